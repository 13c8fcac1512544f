import { repeatTag, SoldOutSales } from './sold-out-sales';

const sale = 'sale-1';
const asked = (quantity = 1, userId = 'u1', idempotencyKey?: string) => ({ eventId: sale, userId, quantity, idempotencyKey });
const none = new Set<string>();

function listening(memoryMs = 1_000) {
  let now = 0;
  const sales = new SoldOutSales(memoryMs, () => now);
  sales.setListening(true);
  return { sales, advance: (ms: number) => (now += ms) };
}

describe('SoldOutSales (the sold-out fast path memory)', () => {
  it('after a refusal it refuses the same quantities, and larger ones once seen, but never a smaller one', () => {
    const { sales } = listening();
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 2, none);
    expect(sales.refusalFor(asked(2))).toBe('SOLD_OUT');
    expect(sales.refusalFor(asked(1))).toBeUndefined(); // one unit may still be left
    expect(sales.refusalFor(asked(3))).toBeUndefined(); // might be LIMIT_EXCEEDED instead
    expect(sales.lesson(sale, sales.hearing(sale), 'SOLD_OUT', 3)).toBe('widened');
    expect(sales.refusalFor(asked(3))).toBe('SOLD_OUT');
    expect(sales.lesson(sale, sales.hearing(sale), 'SOLD_OUT', 1)).toBe('needs-repeats');
  });

  it('an ended or switched-off sale refuses every quantity', () => {
    const { sales } = listening();
    sales.know(sale, sales.hearing(sale), 'SALE_ENDED', 1, none);
    expect(sales.refusalFor(asked(7))).toBe('SALE_ENDED');
  });

  it('leaves repeats of earlier purchases to the full path (their answer is a replay, not a refusal)', () => {
    const { sales } = listening();
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, new Set([repeatTag('u1', 1, 'key-1'), repeatTag('u2', 1)]));
    expect(sales.refusalFor(asked(1, 'u1', 'key-1'))).toBeUndefined();
    expect(sales.refusalFor(asked(1, 'u1', 'key-2'))).toBe('SOLD_OUT');
    expect(sales.refusalFor(asked(1, 'u2'))).toBeUndefined();
    expect(sales.refusalFor(asked(1, 'u3'))).toBe('SOLD_OUT');
  });

  it('forgets a sale when told, and ignores a lesson from a decision that began before it was told', () => {
    const { sales } = listening();
    const before = sales.hearing(sale);
    sales.know(sale, before, 'SOLD_OUT', 1, none);
    sales.forget(sale);
    expect(sales.refusalFor(asked())).toBeUndefined();
    sales.know(sale, before, 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBeUndefined();
    expect(sales.lesson(sale, before, 'SOLD_OUT', 1)).toBe('none');
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBe('SOLD_OUT');
  });

  it('learns nothing while it cannot hear announcements, and forgets everything when it stops hearing them', () => {
    const sales = new SoldOutSales(1_000);
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBeUndefined();
    sales.setListening(true);
    const since = sales.hearing(sale);
    sales.know(sale, since, 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBe('SOLD_OUT');
    sales.setListening(false);
    expect(sales.refusalFor(asked())).toBeUndefined();
    sales.setListening(true);
    // A lesson from before the drop is stale: an announcement may have been missed meanwhile.
    sales.know(sale, since, 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBeUndefined();
  });

  it('after its memory time one purchase checks again while the others are still refused; its refusal renews the memory', () => {
    const { sales, advance } = listening(2_000);
    sales.know(sale, sales.hearing(sale), 'SALE_INACTIVE', 1, none);
    advance(1_999);
    expect(sales.refusalFor(asked())).toBe('SALE_INACTIVE');
    advance(1);
    const since = sales.hearing(sale);
    expect(sales.refusalFor(asked())).toBeUndefined(); // the one that checks again
    expect(sales.refusalFor(asked())).toBe('SALE_INACTIVE');
    expect(sales.lesson(sale, since, 'SALE_INACTIVE', 1)).toBe('needs-repeats');
    sales.know(sale, since, 'SALE_INACTIVE', 1, none);
    advance(1_999);
    expect(sales.refusalFor(asked())).toBe('SALE_INACTIVE');
  });

  it('an expired memory whose check never answers is dropped after a second; a sale that sold again is forgotten', () => {
    const { sales, advance } = listening(2_000);
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    advance(2_000);
    expect(sales.refusalFor(asked())).toBeUndefined();
    advance(999);
    expect(sales.refusalFor(asked())).toBe('SOLD_OUT');
    advance(1);
    expect(sales.refusalFor(asked())).toBeUndefined();
    expect(sales.refusalFor(asked())).toBeUndefined();

    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    sales.sold(sale);
    expect(sales.refusalFor(asked())).toBeUndefined();
  });

  it('holds nothing for sales nobody asks for any more, however many it heard of', () => {
    const { sales, advance } = listening(2_000);
    sales.know('old sale', sales.hearing('old sale'), 'SOLD_OUT', 1, new Set(['idem:u:k']));
    advance(3_000);
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    expect((sales as unknown as { known: Map<string, unknown> }).known.size).toBe(1);
    for (let i = 0; i < 20_000; i += 1) sales.forget(`sale-${i}`);
    expect((sales as unknown as { heard: Map<string, number> }).heard.size).toBeLessThanOrEqual(10_000);
  });

  it('a memory time of 0 turns the fast path off', () => {
    const { sales } = listening(0);
    sales.know(sale, sales.hearing(sale), 'SOLD_OUT', 1, none);
    expect(sales.refusalFor(asked())).toBeUndefined();
  });
});
