import type { Queue } from 'bullmq';

/**
 * The queue's backlog, read every `intervalMs` instead of on every purchase: back-pressure
 * needs a bound, not an exact count, and this keeps a Redis round trip off the hot path.
 */
export class QueueDepth {
  private waiting = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly queue: Queue,
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
      this.waiting = await this.queue.getWaitingCount();
    } catch {
      // Redis unreachable: admission will fail on its own and say so.
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
