// The sale as the API reports it after a run: the event, and every order of it (admin, paged).
const { URLSearchParams } = require('node:url');
const { expectStatus } = require('./http');

async function readEvent({ http, prefix, eventId }) {
  return expectStatus(await http.json('GET', `${prefix}/flashsale-events/${eventId}`), 200, 'reading the sale').event;
}

/** Every order of the sale, following nextCursor; the API's page size maximum is 100 by default. */
async function readOrders({ http, prefix, token, eventId, pageSize = 100 }) {
  const orders = [];
  let cursor = null;
  for (let page = 0; page < 100_000; page += 1) {
    const query = new URLSearchParams({ eventId, limit: String(pageSize) });
    if (cursor) query.set('cursor', cursor);
    const response = await http.json('GET', `${prefix}/orders?${query}`, { token });
    if (response.status === 400 && pageSize > 20) return readOrders({ http, prefix, token, eventId, pageSize: 20 });
    const body = expectStatus(response, 200, 'listing the orders');
    orders.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return orders;
  }
  throw new Error('too many pages of orders');
}

module.exports = { readEvent, readOrders };
