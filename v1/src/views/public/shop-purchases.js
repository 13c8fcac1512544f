// Buying: v1 answers at once; v2 queues, and its outcome comes over Socket.io (or, as a fallback,
// from polling the status URL). Each purchase is a line in "Your purchases", mirrored on its card.
import { money, saleReference, shortId, V2 } from './shop-format.js';
import { loadOrders } from './shop-orders.js';
import { applyStock, explain, renderStock, stockOf } from './shop-sales.js';
import { $, api, notify, state } from './shop-state.js';
import { purchaseProblem } from './shop-words.js';

/** One line in "Your purchases" that grows (Queued → Confirmed), the card showing its latest step. */
function addActivity(sale, version, quantity) {
  const item = document.createElement('li');
  const outcome = Object.assign(document.createElement('span'), { className: 'outcome' });
  const what = Object.assign(document.createElement('span'), { className: 'what', textContent: `${saleReference(sale)} · bought with ${version}` });
  const title = Object.assign(document.createElement('strong'), { textContent: `${sale.product.name} × ${quantity}:` });
  item.append(title, ' ', outcome, what);
  $('activity').prepend(item);
  $('activity-empty').hidden = true;
  const steps = [];
  return {
    step(text, tone = 'pending') {
      steps.push(text);
      outcome.textContent = steps.join(' → ');
      item.className = tone;
      const card = state.cards.get(sale.id);
      if (card) explain(card, text, tone === 'pending' ? '' : tone);
    },
    refused(error) {
      this.step(`Not bought: ${purchaseProblem(error, sale)}`, 'error');
    },
  };
}

const confirmedText = (order) => `Confirmed: order ${shortId(order.id)}, total ${money(order.totalPrice)}`;

export async function buy(eventId, quantity) {
  const sale = state.sales.get(eventId);
  if (!state.session) return notify('Log in or create an account to buy.');
  const version = /** @type {HTMLInputElement} */ (document.querySelector('input[name=version]:checked')).value;
  const entry = addActivity(sale, version, quantity);
  const card = state.cards.get(eventId);
  card.classList.add('busy');
  renderStock(sale);
  try {
    if (version === 'v1') {
      const { order } = await api('POST', `/flashsale/${eventId}/purchase`, { body: { quantity } });
      entry.step(confirmedText(order), 'ok');
      loadOrders();
      // v1 pushes no stock messages: read the sale again.
      api('GET', `/flashsale-events/${eventId}`).then(({ event }) => applyStock(stockOf(event)), () => undefined);
    } else {
      const accepted = await api('POST', `/api/flashsale/${eventId}/purchase`, { base: V2, body: { quantity } });
      entry.step(`Queued (request ${shortId(accepted.requestId)})`);
      track(accepted, entry);
    }
  } catch (error) {
    entry.refused(error);
  } finally {
    card.classList.remove('busy');
    renderStock(sale);
  }
}

/** The outcome comes over Socket.io; polling the status URL is the fallback if it does not. */
function track({ requestId, statusUrl }, entry) {
  state.tracked.set(requestId, entry);
  if (state.early.has(requestId)) return settlePurchase(state.early.get(requestId));
  let delayed = false;
  const poll = (delay) =>
    setTimeout(async () => {
      if (!state.tracked.has(requestId)) return;
      const outcome = await api('GET', statusUrl, { base: V2 }).catch(() => null);
      if (outcome && outcome.status !== 'queued') return settlePurchase(outcome);
      if (outcome && outcome.deadLettered && !delayed) {
        delayed = true;
        entry.step('Delayed: a problem on our side holds this purchase until the shop completes or cancels it');
      }
      poll(Math.min(delay * 2, 10000));
    }, delay);
  poll(2000);
}

/** A v2 outcome (pushed or polled): applies it to its line, or keeps it until the 202 arrives. */
export function settlePurchase(outcome) {
  const entry = state.tracked.get(outcome.requestId);
  if (!entry) {
    if (state.early.size > 100) state.early.clear();
    state.early.set(outcome.requestId, outcome);
    return;
  }
  if (outcome.status === 'queued') return;
  state.tracked.delete(outcome.requestId);
  state.early.delete(outcome.requestId);
  if (outcome.status === 'confirmed' && outcome.order) {
    entry.step(confirmedText(outcome.order), 'ok');
    loadOrders();
  } else {
    entry.refused(outcome.error || {});
  }
}
