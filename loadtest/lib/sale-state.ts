// The sale as the API reports it after a run: the event, and every order of it (admin, paged).
import { URLSearchParams } from 'node:url';
import { expectStatus, type Http } from './http';

/** A sale as GET /flashsale-events/:id gives it (the fields the audit reads). */
export interface SaleEvent {
  id: string;
  availableStock: number;
  soldQuantity: number;
}

/** An order as GET /orders lists it (the fields the audit reads). */
export interface Order {
  id: string;
  userId: string;
  quantity: number;
}

export async function readEvent({ http, prefix, eventId }: { http: Http; prefix: string; eventId: string }): Promise<SaleEvent> {
  return expectStatus<{ event: SaleEvent }>(await http.json('GET', `${prefix}/flashsale-events/${eventId}`), 200, 'reading the sale').event;
}

/** Every order of the sale, following nextCursor; the API's page size maximum is 100 by default. */
export async function readOrders({ http, prefix, token, eventId, pageSize = 100 }: { http: Http; prefix: string; token: string; eventId: string; pageSize?: number }): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100_000; page += 1) {
    const query = new URLSearchParams({ eventId, limit: String(pageSize) });
    if (cursor) query.set('cursor', cursor);
    const response = await http.json('GET', `${prefix}/orders?${query}`, { token });
    if (response.status === 400 && pageSize > 20) return readOrders({ http, prefix, token, eventId, pageSize: 20 });
    const body = expectStatus<{ items: Order[]; nextCursor: string | null }>(response, 200, 'listing the orders');
    orders.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return orders;
  }
  throw new Error('too many pages of orders');
}

