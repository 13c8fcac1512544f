import { randomUUID } from 'node:crypto';
import { placePurchase, type Deps, type Order, type Product } from '@flashfast/shared';
import type { TestUser } from '../factories';
import type { ContractApi } from './harness';

/** An ISO instant `seconds` from now (negative: in the past). */
export const isoIn = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

export const uniqueEmail = (label = 'user'): string => `${label}-${randomUUID()}@example.test`;

/**
 * An order as the shared purchase domain code places it, so order suites do not depend on a
 * version's purchase transport (v1 answers at once, v2 queues).
 */
export async function placeOrder(deps: Deps, eventId: string, user: TestUser, quantity = 1): Promise<Order> {
  return (await placePurchase(deps.db, { eventId, userId: user.id, quantity })).order;
}

/** A product created through the API by the admin. */
export async function createProductViaApi(
  api: ContractApi,
  fields: { name?: string; price?: number; stock?: number; image?: string | null } = {},
): Promise<Product> {
  const response = await api
    .call('post', '/products', api.admin)
    .send({ name: 'Contract product', price: 10, stock: 10, ...fields })
    .expect(201);
  return response.body.product as Product;
}

/** A product's stock as the API reports it. */
export async function productStock(api: ContractApi, productId: string): Promise<number> {
  const response = await api.call('get', `/products/${productId}`).expect(200);
  return (response.body.product as Product).stock;
}
