import type { Socket } from 'socket.io-client';
import type { StockUpdate } from '../src/realtime/rooms';
import { createSale, createUsers } from '../../shared/test/factories';
import { purchase, waitForOutcomes, type Outcome } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';
import { saleInvariants } from './support/invariants';

let stack: V2Stack;

beforeAll(async () => {
  stack = await startV2Stack({ worker: true });
});
afterAll(async () => {
  await stack.close();
});

describe('v2 spike', () => {
  it('when 500 buyers race for 100 units, exactly 100 are confirmed and everyone hears their own result', async () => {
    const sale = await createSale(stack.deps, { units: 100 });
    await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 500);

    const watcher = await stack.socket();
    const stockMessages: StockUpdate[] = [];
    watcher.on('stock', (message: StockUpdate) => stockMessages.push(message));
    const ack = await watcher.emitWithAck('subscribe', { eventId: sale.id });
    expect(ack).toMatchObject({ ok: true, event: { id: sale.id, availableStock: 100 } });

    // The first 100 buyers listen for their own result on a socket of their own.
    const listening = buyers.slice(0, 100);
    const pushed = new Map<string, Outcome[]>();
    const sockets: Socket[] = await Promise.all(listening.map((buyer) => stack.socket({ token: buyer.token })));
    sockets.forEach((socket, index) => {
      const userId = listening[index]!.id;
      pushed.set(userId, []);
      socket.on('purchase', (outcome: Outcome) => pushed.get(userId)!.push(outcome));
    });

    const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, sale.id, buyer.token)));

    // Listed, not counted: an answer other than these says what went wrong (a 503 under load, say).
    expect(responses.filter((r) => r.status !== 202 && r.status !== 409).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    const accepted = responses
      .map((response, index) => ({ response, buyer: buyers[index]! }))
      .filter(({ response }) => response.status === 202)
      .map(({ response, buyer }) => ({ requestId: response.body.requestId, token: buyer.token, userId: buyer.id }));
    const refusedAtOnce = responses.filter((r) => r.status === 409);
    expect(refusedAtOnce.every((r) => r.body.error?.code === 'SOLD_OUT')).toBe(true);
    expect(accepted.length).toBeGreaterThanOrEqual(100);

    const outcomes = await waitForOutcomes(stack.url, accepted);
    expect(outcomes.every((o) => o.status === 'confirmed' || o.status === 'failed')).toBe(true);
    expect(outcomes.filter((o) => o.status === 'confirmed')).toHaveLength(100);
    expect(outcomes.filter((o) => o.status === 'failed').every((o) => o.error?.code === 'SOLD_OUT')).toBe(true);

    expect(await saleInvariants(stack, sale.id)).toEqual({
      allocated: 100,
      available: 0,
      sold: 100,
      orders: 100,
      orderedUnits: 100,
      redisUnitsLeft: 0,
      undecidedRequests: 0,
    });

    // The last stock message anyone sees is the final state.
    await waitUntil(() => stockMessages.at(-1)?.status === 'sold_out');
    expect(stockMessages.at(-1)).toEqual({ eventId: sale.id, availableStock: 0, soldQuantity: 100, status: 'sold_out' });
    const soldSeen = stockMessages.map((m) => m.soldQuantity);
    expect(soldSeen).toEqual([...soldSeen].sort((a, b) => a - b));

    // Every listening buyer whose request was accepted got exactly its own outcome pushed.
    const acceptedByUser = new Map(accepted.map((a, i) => [a.userId, outcomes[i]!]));
    await waitUntil(() => listening.every((b) => !acceptedByUser.has(b.id) || pushed.get(b.id)!.length > 0));
    for (const buyer of listening) {
      const expected = acceptedByUser.get(buyer.id);
      const received = pushed.get(buyer.id)!;
      if (!expected) expect(received).toEqual([]);
      else expect(received.map((o) => [o.requestId, o.status])).toEqual([[expected.requestId, expected.status]]);
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
