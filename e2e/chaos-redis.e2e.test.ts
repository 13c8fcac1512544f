import { sleep } from './support/chaos/host-processes';
import { expectSpikeSurvives, FAULT_TEST_TIMEOUT, useChaosWorld, V2_SPIKE } from './support/chaos/expect-survival';
import type { ChaosWorld } from './support/chaos/chaos-world';

// A PostgreSQL and a Redis (AOF, fsync every second) of this file's own, two v2 API instances
// and two workers as real processes with the default settings, and a spike through each fault.
const world = useChaosWorld({ roles: { v2: 2, worker: 2 } });

/** kill -9, two seconds down, then a restart from the AOF on disk (or from nothing). */
const killAndRestart = (empty: boolean) => async (w: ChaosWorld) => {
  await w.redis.kill();
  await sleep(2_000);
  await w.redis.start({ empty });
};

describe('v2 through Redis faults, mid-spike', () => {
  it('Redis killed (-9) and restarted from its AOF: every accepted request is decided, the books balance, nothing dies', async () => {
    await expectSpikeSurvives(world(), 'v2', V2_SPIKE, { name: 'Redis kill -9, restart from AOF', inject: killAndRestart(false) });
  }, FAULT_TEST_TIMEOUT);

  it('Redis killed and restarted empty: requests, counters and keys come back from PostgreSQL', async () => {
    await expectSpikeSurvives(world(), 'v2', V2_SPIKE, { name: 'Redis restarted empty', inject: killAndRestart(true) });
  }, FAULT_TEST_TIMEOUT);
});
