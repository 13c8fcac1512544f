import { testRunId } from './test-databases';

/** Fixes this run's id before Jest starts its workers, which inherit it through the environment. */
export default function globalSetup(): void {
  testRunId();
}
