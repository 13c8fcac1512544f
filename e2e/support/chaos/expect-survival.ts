import { startChaosWorld, type ChaosWorld, type WorldOptions } from './chaos-world';
import { faultAudit, requestsMatchAnswers } from './audit';
import { reportRecovery, spikeThroughFault, type Fault, type SpikeShape } from './fault-run';

/** The v2 spike of every fault test: 1,000 buyers, two purchases each, 600 units; the fault once 30 % are accepted. */
export const V2_SPIKE: SpikeShape = { buyers: 1000, units: 600, purchasesPerBuyer: 2, faultAfterShare: 0.3 };
export const FAULT_TEST_TIMEOUT = 240_000;

/** A world for the test file, started before its tests and removed after them, whatever happened. */
export function useChaosWorld(options: WorldOptions): () => ChaosWorld {
  let world: ChaosWorld | undefined;
  beforeAll(async () => {
    world = await startChaosWorld(options);
  }, 180_000);
  afterAll(() => world?.close(), 120_000);
  return () => world!;
}

/**
 * The promise of every fault test: every buyer ends with a final answer and no identical retry is
 * refused; every accepted request is decided within the bound after the dependency's return; the
 * ledger balances with nobody above maxPerUser; no process died. Prints the recovery figure.
 */
export async function expectSpikeSurvives(world: ChaosWorld, version: 'v1' | 'v2', shape: SpikeShape, fault: Fault): Promise<void> {
  const result = await spikeThroughFault(world, version, shape, fault);
  reportRecovery(`${version}: ${fault.name}`, result);
  const audit = await faultAudit(world, version, result);
  expect(audit).toEqual({
    buyers: { gaveUp: 0, unexpectedFinals: [], refusedRetries: 0, noAnswer: [], otherThan503WithRetryAfter: [] },
    decidedWithinBound: true,
    ledger: expect.objectContaining({ balanced: true, undecidedRequests: 0, failuresOtherThanRefusals: 0, aboveMaxPerUser: false }),
    processesDown: [],
    identicalRetriesDiffering: [],
  });
  expect(audit.ledger.sold).toBeGreaterThan(0);
  expect(audit.ledger.orders).toBe(audit.ledger.sold);
  expect(audit.ledger.orderedUnits).toBe(audit.ledger.sold);
  if (version === 'v2') {
    expect(audit.ledger.confirmedRequests).toBe(audit.ledger.sold);
    const answers = await requestsMatchAnswers(world, result);
    // One request per accepted purchase, and no request that no buyer was told about.
    expect(answers).toEqual({ accepted: answers.accepted, distinctRequestIds: answers.accepted, rowsFound: answers.accepted, requestsOfSale: answers.accepted });
  } else {
    const accepted = result.runs.filter((run) => run.final?.status === 201).length;
    expect(accepted).toBe(audit.ledger.orders);
  }
}
