import { Agent } from 'undici';

/**
 * Makes this test file's `fetch` (and with it `call`, `purchase` and every helper built on them)
 * trust the cluster's local authority, as a client given that authority would. `ca` is asked on
 * each request (the cluster, and its authority, start in beforeAll). Jest gives each test
 * file a global object of its own, so other files keep the default trust.
 */
export function trustInThisFile(ca: () => string | undefined): void {
  let dispatcher: Agent | undefined;
  const plainFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const authority = ca();
    if (!authority) return plainFetch(input, init); // the cluster's own start-up probes, before it has one
    dispatcher ??= new Agent({ connect: { ca: authority } });
    // npm's undici and Node's built-in one type their dispatchers apart; at run time they agree.
    return plainFetch(input, { ...init, dispatcher } as unknown as RequestInit);
  };
  afterAll(async () => {
    globalThis.fetch = plainFetch;
    await dispatcher?.close();
  });
}
