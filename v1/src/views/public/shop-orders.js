// "Your orders": the signed-in shopper's newest orders, a table on a wide panel and a list of
// labelled lines on a narrow one (shop.css; each cell carries its column's name in data-label).
import { money, shortId, when } from './shop-format.js';
import { $, api, state } from './shop-state.js';
import { generalProblem } from './shop-words.js';

const SHOWN = 20;
const STATUS_WORDS = { confirmed: 'Confirmed', failed: 'Failed' };

// Sales no longer open (not among the cards), read once for their product's name.
const pastSales = new Map();

async function readMissingSales(orders) {
  const missing = [...new Set(orders.map((order) => order.eventId))].filter((id) => !state.sales.has(id) && !pastSales.has(id));
  const reads = missing.map((id) => api('GET', `/flashsale-events/${id}`).then(({ event }) => pastSales.set(id, event), () => undefined));
  await Promise.all(reads);
}

function productCell(order) {
  const sale = state.sales.get(order.eventId) || pastSales.get(order.eventId);
  const cell = document.createElement('td');
  // The sale's reference tells apart two orders of products with the same name.
  const ref = Object.assign(document.createElement('span'), { className: 'ref', textContent: `Sale ${shortId(order.eventId)}` });
  const product = Object.assign(document.createElement('span'), { className: 'product', textContent: sale ? sale.product.name : 'A past sale' });
  product.append(ref);
  cell.append(product);
  return cell;
}

function orderRow(order) {
  const row = document.createElement('tr');
  row.setAttribute('role', 'row');
  const cells = [
    Object.assign(document.createElement('td'), { textContent: when(order.createdAt) }),
    productCell(order),
    Object.assign(document.createElement('td'), { className: 'short', textContent: String(order.quantity) }),
    Object.assign(document.createElement('td'), { className: 'short', textContent: money(order.totalPrice) }),
    Object.assign(document.createElement('td'), { className: 'short', textContent: STATUS_WORDS[order.status] || order.status }),
  ];
  const labels = [.../** @type {HTMLTableElement} */ ($('orders')).tHead.rows[0].cells].map((header) => header.textContent);
  cells.forEach((cell, i) => {
    cell.setAttribute('role', 'cell');
    cell.dataset.label = labels[i];
  });
  row.append(...cells);
  return row;
}

export async function loadOrders() {
  const table = /** @type {HTMLTableElement} */ ($('orders'));
  if (!state.session) {
    table.hidden = true;
    $('orders-status').textContent = 'Log in to see your orders.';
    return;
  }
  const read = ++state.ordersRead;
  let items;
  try {
    ({ items } = await api('GET', `/orders?limit=${SHOWN}`));
    await readMissingSales(items);
  } catch (error) {
    if (read === state.ordersRead) $('orders-status').textContent = `Could not load your orders. ${generalProblem(error)}`;
    return;
  }
  if (read !== state.ordersRead) return;
  table.tBodies[0].replaceChildren(...items.map(orderRow));
  table.hidden = items.length === 0;
  const count = `${items.length}${items.length === SHOWN ? '+' : ''}`;
  $('orders-status').textContent = items.length ? `You have ${count} order${items.length === 1 ? '' : 's'}.` : 'No orders yet.';
}
