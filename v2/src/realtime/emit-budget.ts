/** A token bucket: `burst` messages at once, refilled at `perSecond`. One per connection. */
export class EmitBudget {
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.refilledAtMs = now;
  }

  /** Spends one message; false once the bucket is empty. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAtMs) * this.perSecond) / 1000);
    this.refilledAtMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
