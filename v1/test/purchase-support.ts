import request, { type Test } from 'supertest';
import type { Deps, FlashSaleEvent, Order } from '@flashfast/shared';
import type { TestUser } from '../../shared/test/factories';
import { serveApp, type ServedApp } from '../../shared/test/support/http';
import { saleLedger, type SaleLedger } from '../../shared/test/support/sale-ledger';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { createApp } from '../src/app';

/** v1 served on a loopback port for the purchase suites; the object is filled in beforeAll. */
export interface PurchaseApi {
  deps: Deps;
  url: string;
  purchase(eventId: string, as: TestUser | undefined, quantity?: number, idempotencyKey?: string): Test;
  /** The same request with any body, for malformed input. */
  post(eventId: string, as: TestUser | undefined, body: object, idempotencyKey?: string): Test;
  event(eventId: string): Promise<FlashSaleEvent>;
  /** The orders of a sale as an admin lists them over HTTP. */
  ordersOf(eventId: string, admin: TestUser): Promise<Order[]>;
  /** What the database holds for a sale: its counters and the orders placed against it. */
  ledger(eventId: string): Promise<SaleLedger>;
}

export function usePurchaseApi(overrides: Record<string, string> = {}): PurchaseApi {
  let server: ServedApp;
  const api = {} as PurchaseApi;
  beforeAll(async () => {
    api.deps = await createTestDeps(overrides);
    server = await serveApp(createApp(api.deps));
    api.url = server.url;
  });
  afterAll(async () => {
    await server?.close();
    if (api.deps) await closeTestDeps(api.deps);
  });

  api.post = (eventId, as, body, idempotencyKey) => {
    let test = request(api.url).post(`/flashsale/${eventId}/purchase`);
    if (as) test = test.set('Authorization', `Bearer ${as.token}`);
    if (idempotencyKey !== undefined) test = test.set('Idempotency-Key', idempotencyKey);
    return test.send(body);
  };
  api.purchase = (eventId, as, quantity = 1, idempotencyKey) => api.post(eventId, as, { quantity }, idempotencyKey);
  api.event = async (eventId) => (await request(api.url).get(`/flashsale-events/${eventId}`).expect(200)).body.event;
  api.ordersOf = async (eventId, admin) =>
    (
      await request(api.url)
        .get(`/orders?eventId=${eventId}&limit=100`)
        .set('Authorization', `Bearer ${admin.token}`)
        .expect(200)
    ).body.items;
  api.ledger = (eventId) => saleLedger(api.deps.db, eventId);
  return api;
}
