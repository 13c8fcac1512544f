/** A response by its status and body, anything else as JSON. */
const shown = (value: unknown): string => {
  const response = value as { status?: unknown; body?: unknown } | null;
  return typeof response === 'object' && response !== null && typeof response.status === 'number'
    ? `status ${response.status} ${JSON.stringify(response.body)}`
    : JSON.stringify(value);
};

/**
 * Polls `probe` until `done` accepts its value, at most `withinMs`; resolves with the value and how
 * long it took. A promise with a deadline ("within 5 s") is tested by polling, never by sleeping.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  withinMs: number,
): Promise<{ value: T; afterMs: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    const afterMs = Date.now() - started;
    if (done(value)) return { value, afterMs };
    if (afterMs > withinMs) throw new Error(`still ${shown(value)} after ${afterMs} ms (promised within ${withinMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
