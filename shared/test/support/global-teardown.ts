import { dropRunDatabases } from './test-databases';

/** Nothing of a test run stays behind on the machine's PostgreSQL. */
export default async function globalTeardown(): Promise<void> {
  await dropRunDatabases();
}
