import type { PurchaseRefusal } from './purchase-refusals';

/** Refusals that hold for every buyer of a sale until units come back or an admin changes the sale. */
export type SaleWideRefusal = Extract<PurchaseRefusal, 'SOLD_OUT' | 'SALE_ENDED' | 'SALE_INACTIVE'>;

const SALE_WIDE = new Set<string>(['SOLD_OUT', 'SALE_ENDED', 'SALE_INACTIVE']);
export const isSaleWideRefusal = (code: string): code is SaleWideRefusal => SALE_WIDE.has(code);

export interface PurchaseAsked {
  eventId: string;
  userId: string;
  quantity: number;
  idempotencyKey?: string;
}

/**
 * What marks a purchase as a possible repeat of an earlier one: its Idempotency-Key, or (v2,
 * without a key) the same user and quantity. The same strings as v2's dedup fields in Redis.
 */
export const repeatTag = (userId: string, quantity: number, idempotencyKey?: string): string =>
  idempotencyKey === undefined ? `dup:${userId}:${quantity}` : `idem:${userId}:${idempotencyKey}`;

/** What this process had heard about a sale when a decision began (see `know`). */
export type Hearing = string;

interface Known {
  refusal: SaleWideRefusal;
  /** SOLD_OUT: the quantities seen refused, every one from `from` to `to` (a smaller one may still fit). */
  from: number;
  to: number;
  /** Repeats of earlier purchases of the sale: the full path answers them (a replay, not a refusal). */
  repeats: ReadonlySet<string>;
  expiresAt: number;
  /** Once expired: the one purchase sent to the full path to check again was let through; others are refused until this. */
  probeUntil?: number;
}

/** How long the others are refused from an expired memory while one purchase checks again. */
const PROBE_GRACE_MS = 1_000;
/** Sales whose announcements are counted before the counts start afresh (a long-lived process hears of many sales). */
const HEARD_MAX = 10_000;

/**
 * One process's memory of sales that refuse every buyer, so that a flood of late buyers is
 * answered without PostgreSQL or Redis. Only a decision teaches it (`know`); an announcement
 * that units came back, or an admin change, makes it `forget`. While the process cannot hear
 * announcements (`listening` false) it learns nothing and forgets everything, and whatever it
 * learned is checked again after `memoryMs` anyway, in case an announcement was lost.
 */
export class SoldOutSales {
  private readonly known = new Map<string, Known>();
  /** Announcements heard per sale; with `generation` (bumped by forgetAll), what a Hearing records. */
  private readonly heard = new Map<string, number>();
  private generation = 0;
  private listening = false;

  constructor(
    private readonly memoryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isListening(): boolean {
    return this.listening;
  }

  /** Taken before deciding: a decision that began before an announcement must not teach its stale answer. */
  hearing(eventId: string): Hearing {
    return `${this.generation}:${this.heard.get(eventId) ?? 0}`;
  }

  /**
   * What a refusal (by a decision that began at `since`) can teach without more reading: nothing
   * (stale, or not listening), or a wider quantity range of what is already known ('widened'), or
   * a new fact, for which `know` needs the sale's repeats.
   */
  lesson(eventId: string, since: Hearing, refusal: SaleWideRefusal, quantity: number): 'none' | 'widened' | 'needs-repeats' {
    if (!this.listening || this.memoryMs === 0 || since !== this.hearing(eventId)) return 'none';
    const known = this.known.get(eventId);
    // Orders placed since the repeats were read are all smaller than `from` (nothing larger
    // fitted), so a larger refused quantity widens the range as it is. An expired memory is
    // learned afresh, repeats included.
    if (known && known.expiresAt > this.now() && known.refusal === refusal && (refusal !== 'SOLD_OUT' || quantity >= known.from)) {
      known.to = Math.max(known.to, quantity);
      return 'widened';
    }
    return 'needs-repeats';
  }

  /**
   * Remembers a sale-wide refusal of `quantity` units by a decision that began at `since`;
   * `repeats` are the repeat tags of every earlier purchase of the sale that a retry could replay.
   */
  know(eventId: string, since: Hearing, refusal: SaleWideRefusal, quantity: number, repeats: ReadonlySet<string>): void {
    if (!this.listening || this.memoryMs === 0 || since !== this.hearing(eventId)) return;
    const now = this.now();
    // Sales nobody asks for any more leave with the next lesson.
    for (const [id, known] of this.known) if (known.expiresAt + PROBE_GRACE_MS <= now) this.known.delete(id);
    this.known.set(eventId, { refusal, from: quantity, to: quantity, repeats, expiresAt: now + this.memoryMs });
  }

  /**
   * The refusal this purchase would get now, if this process knows the sale refuses it (is-refused).
   * Once the memory has expired, the next purchase goes to the full path to check again, and the
   * others are still refused for up to a second meanwhile: its refusal renews the memory, its
   * success (`sold`) ends it, and without either the memory is dropped.
   */
  refusalFor(purchase: PurchaseAsked): SaleWideRefusal | undefined {
    const known = this.known.get(purchase.eventId);
    if (!known) return undefined;
    if (known.refusal === 'SOLD_OUT' && (purchase.quantity < known.from || purchase.quantity > known.to)) return undefined;
    if (known.repeats.has(repeatTag(purchase.userId, purchase.quantity, purchase.idempotencyKey))) return undefined;
    const now = this.now();
    if (now < known.expiresAt) return known.refusal;
    if (known.probeUntil === undefined) {
      known.probeUntil = now + Math.min(PROBE_GRACE_MS, this.memoryMs);
      return undefined;
    }
    if (now < known.probeUntil) return known.refusal;
    this.known.delete(purchase.eventId);
    return undefined;
  }

  /** A purchase of this sale was just placed or accepted: whatever this process remembered of it is wrong now. */
  sold(eventId: string): void {
    if (this.known.has(eventId)) this.forget(eventId);
  }

  /** Units of this sale may have come back, or an admin changed it: ask the database again. */
  forget(eventId: string): void {
    this.known.delete(eventId);
    if (this.heard.size >= HEARD_MAX && !this.heard.has(eventId)) {
      // Counting afresh makes every decision under way stale: they are not learned from, nothing worse.
      this.heard.clear();
      this.generation += 1;
    }
    this.heard.set(eventId, (this.heard.get(eventId) ?? 0) + 1);
  }

  forgetAll(): void {
    this.known.clear();
    this.heard.clear();
    this.generation += 1;
  }

  /** Announcements reach this process (true), or may be missed (false: it forgets everything). */
  setListening(listening: boolean): void {
    if (!listening) this.forgetAll();
    this.listening = listening;
  }
}
