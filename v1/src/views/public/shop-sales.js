// The sale cards: what is on sale, the stock as it falls, and the quantity a shopper asks for.
import { money, saleReference } from './shop-format.js';
import { $, api, state } from './shop-state.js';
import { generalProblem } from './shop-words.js';

const STATUS_LABELS = { sold_out: 'Sold out', ended: 'Ended', scheduled: 'Not started', inactive: 'Paused' };

/** A sale's stock fields, from a full sale as the API returns it. */
export const stockOf = (event) => ({ eventId: event.id, availableStock: event.availableStock, soldQuantity: event.soldQuantity, status: event.status });

/** Reads the open sales and draws their cards; `onBuy(eventId, quantity)` is a valid Buy. */
export async function loadSales(onBuy) {
  $('sales-status').textContent = 'Loading sales…';
  let items;
  try {
    ({ items } = await api('GET', '/flashsale-events?active=true&limit=50'));
  } catch (error) {
    $('sales-status').textContent = `Could not load the sales. ${generalProblem(error)}`;
    return;
  }
  state.sales = new Map(items.map((sale) => [sale.id, sale]));
  $('sales-status').textContent = items.length ? '' : 'No sale is open right now.';
  renderSales(onBuy);
}

function renderSales(onBuy) {
  const list = $('sales');
  list.replaceChildren();
  state.cards.clear();
  for (const sale of state.sales.values()) {
    const card = /** @type {HTMLElement} */ (/** @type {HTMLTemplateElement} */ ($('sale-card')).content.firstElementChild.cloneNode(true));
    const part = (selector) => card.querySelector(selector);
    part('.sale-name').textContent = sale.product.name;
    part('.sale-ref').textContent = saleReference(sale);
    part('.sale-price').textContent = money(sale.salePrice);
    part('.list-price').textContent = sale.product.price > sale.salePrice ? money(sale.product.price) : '';
    part('.limit').textContent = `Up to ${sale.maxPerUser} per customer`;
    const quantity = part('[name=quantity]');
    quantity.max = String(sale.maxPerUser);
    // The limit and any explanation are read out with the field.
    part('.limit').id = `limit-${sale.id}`;
    part('.buy-status').id = `buy-status-${sale.id}`;
    quantity.setAttribute('aria-describedby', `limit-${sale.id} buy-status-${sale.id}`);
    quantity.addEventListener('input', () => {
      quantity.removeAttribute('aria-invalid');
      explain(card, '');
    });
    part('form').addEventListener('submit', (submit) => {
      submit.preventDefault();
      const wanted = checkQuantity(quantity.value, sale);
      if (typeof wanted === 'string') {
        explain(card, wanted, 'error');
        quantity.setAttribute('aria-invalid', 'true');
        quantity.focus();
        return;
      }
      quantity.removeAttribute('aria-invalid');
      onBuy(sale.id, wanted);
    });
    state.cards.set(sale.id, card);
    list.append(card);
    renderStock(sale);
  }
}

/**
 * The quantity as a number, or why it cannot be bought. The form does not let the browser
 * validate (it would block the Buy silently, or with a bubble that vanishes): the page says why.
 */
function checkQuantity(raw, sale) {
  const quantity = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || quantity < 1) return `Enter a whole number from 1 to ${sale.maxPerUser}.`;
  if (quantity > sale.maxPerUser) return `You can buy at most ${sale.maxPerUser} per customer in this sale.`;
  return quantity;
}

/** The line under a card's Buy button: an explanation, or the latest purchase's progress. */
export function explain(card, text, tone) {
  const line = card.querySelector('.buy-status');
  line.textContent = text;
  line.className = `buy-status ${tone || ''}`.trim();
}

export function renderStock(sale) {
  const card = state.cards.get(sale.id);
  if (!card) return;
  const open = sale.status === 'live' && sale.availableStock > 0;
  const label = open ? `${sale.availableStock} left` : STATUS_LABELS[sale.status] || 'Sold out';
  const total = sale.availableStock + sale.soldQuantity;
  card.querySelector('.stock-count').textContent = label;
  card.querySelector('.stock-total').textContent = `${sale.soldQuantity} of ${total} sold`;
  card.querySelector('.sold').value = total ? sale.soldQuantity / total : 1;
  card.classList.toggle('closed', !open);
  card.querySelector('button').disabled = !open || card.classList.contains('busy');
}

/** Applies a stock message (or a fresh read); soldQuantity only grows, so an older one is ignored. */
export function applyStock(update) {
  const sale = state.sales.get(update.eventId);
  if (!sale || update.soldQuantity < sale.soldQuantity) return;
  Object.assign(sale, { availableStock: update.availableStock, soldQuantity: update.soldQuantity, status: update.status });
  renderStock(sale);
}
