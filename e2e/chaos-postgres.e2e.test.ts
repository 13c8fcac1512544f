import { sleep } from './support/chaos/host-processes';
import { expectSpikeSurvives, FAULT_TEST_TIMEOUT, useChaosWorld, V2_SPIKE } from './support/chaos/expect-survival';

// A PostgreSQL and a Redis of this file's own, two v2 API instances and two workers as real
// processes with the default settings, and a spike of careful buyers through each fault.
const world = useChaosWorld({ roles: { v2: 2, worker: 2 } });

describe('v2 through PostgreSQL faults, mid-spike', () => {
  it('PostgreSQL restarted with -m immediate: every accepted request is decided, the books balance, nothing dies', async () => {
    await expectSpikeSurvives(world(), 'v2', V2_SPIKE, { name: 'PostgreSQL restart -m immediate', inject: (w) => w.pg.restartImmediately() });
  }, FAULT_TEST_TIMEOUT);

  it('PostgreSQL paused (SIGSTOP) for 10 s: requests answer 503 instead of hanging, and everything is decided after SIGCONT', async () => {
    await expectSpikeSurvives(world(), 'v2', V2_SPIKE, {
      name: 'PostgreSQL SIGSTOP 10 s',
      inject: async (w) => {
        w.pg.pause();
        await sleep(10_000);
        w.pg.resume();
      },
    });
  }, FAULT_TEST_TIMEOUT);

  it('PostgreSQL down for 15 s: retries outlast it, nothing waits for an admin', async () => {
    await expectSpikeSurvives(world(), 'v2', V2_SPIKE, {
      name: 'PostgreSQL down 15 s',
      inject: async (w) => {
        await w.pg.stop();
        await sleep(15_000);
        await w.pg.start();
      },
    });
  }, FAULT_TEST_TIMEOUT);
});
