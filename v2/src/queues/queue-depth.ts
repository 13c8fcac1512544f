/**
 * The backlog: units claimed by purchases accepted and not yet decided, read every `intervalMs`
 * instead of on every purchase: back-pressure needs a bound, not an exact count, and this keeps a
 * round trip off the hot path. Not BullMQ's job count: a job carries a batch of purchases.
 */
export class QueueDepth {
  private waiting = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly countWaiting: () => Promise<number>,
    private readonly maxDepth: number,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  get overloaded(): boolean {
    return this.waiting >= this.maxDepth;
  }

  async refresh(): Promise<void> {
    try {
      this.waiting = await this.countWaiting();
    } catch {
      // Unreachable: admission will fail on its own and say so.
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
