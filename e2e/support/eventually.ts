/**
 * What `probe` finds, once it finds something (polled every 50 ms), or undefined after
 * `timeoutMs`: for outcomes that land a little later (a log line flushed, a message pushed).
 */
export async function eventually<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
