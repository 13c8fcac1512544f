import { expectSpikeSurvives, FAULT_TEST_TIMEOUT, useChaosWorld } from './support/chaos/expect-survival';

// v1 decides in PostgreSQL alone: a restart costs buyers some 503s, never a wrong answer.
const SHAPE = { buyers: 600, units: 300, purchasesPerBuyer: 2, faultAfterShare: 0.3 };
const world = useChaosWorld({ roles: { v1: 2 } });

describe('v1 through a PostgreSQL restart, mid-spike', () => {
  it('PostgreSQL restarted with -m immediate: every buyer gets a final answer, retries replay, the books balance, nothing dies', async () => {
    await expectSpikeSurvives(world(), 'v1', SHAPE, { name: 'PostgreSQL restart -m immediate', inject: (w) => w.pg.restartImmediately() });
  }, FAULT_TEST_TIMEOUT);
});
