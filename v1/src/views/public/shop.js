// The FlashFast shop page: plain browser JavaScript (ES modules), no build step. Auth, sales and orders go to
// v1 on this origin; v2's queued purchase and Socket.io go to FLASHFAST_CONFIG.v2Url, which is ''
// (this origin) behind nginx and v2's own origin under `npm start`.
import { createApi, describeError, STATUS_LABELS } from './shop-api.js';

const V2 = (window.FLASHFAST_CONFIG && window.FLASHFAST_CONFIG.v2Url) || '';
const SESSION_KEY = 'flashfast.session';
const $ = (id) => document.getElementById(id);
const money = (amount) => Number(amount).toFixed(2);
const shortId = (id) => String(id).slice(0, 8);
const api = createApi({
  token: () => state.session && state.session.token,
  onSessionEnded: () => setSession(null, 'Your session has ended. Please log in again.'),
});
const state = {
  session: readSession(),
  sales: new Map(),
  cards: new Map(),
  socket: null,
  tracked: new Map(), // v2 requestId -> activity entry, until decided
  early: new Map(), // outcomes pushed before the 202 reached us
  ordersRead: 0, // only the newest read of the orders is shown
};

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function notify(message) {
  $('notice').textContent = message || '';
  $('notice').hidden = !message;
}

function setSession(session, message) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
  notify(message);
  renderAccount();
  connectSocket(); // the socket's user room follows the token
  loadOrders();
}

function renderAccount() {
  const user = state.session && state.session.user;
  $('whoami').textContent = user ? `Signed in as ${user.name} (${user.email})` : 'Not signed in';
  $('sign-out').hidden = !user;
  $('auth').hidden = Boolean(user);
}

function bindAuthForm(form, path, fields) {
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const errorLine = form.querySelector('.form-error');
    const body = Object.fromEntries(fields.map((name) => [name, form.elements[name].value]));
    errorLine.textContent = '';
    form.querySelector('button').disabled = true;
    try {
      const { user, token } = await api('POST', path, { body });
      form.reset();
      setSession({ user, token });
    } catch (error) {
      errorLine.textContent = describeError(error);
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
}

async function loadSales() {
  $('sales-status').textContent = 'Loading sales…';
  try {
    const { items } = await api('GET', '/flashsale-events?active=true&limit=50');
    state.sales = new Map(items.map((sale) => [sale.id, sale]));
    $('sales-status').textContent = items.length ? '' : 'No sale is open right now.';
    renderSales();
    subscribeAll();
  } catch (error) {
    $('sales-status').textContent = `Could not load the sales. ${describeError(error)}`;
  }
}

function renderSales() {
  const list = $('sales');
  list.replaceChildren();
  state.cards.clear();
  for (const sale of state.sales.values()) {
    const card = $('sale-card').content.firstElementChild.cloneNode(true);
    card.querySelector('.sale-name').textContent = sale.product.name;
    card.querySelector('.sale-price').textContent = money(sale.salePrice);
    card.querySelector('.list-price').textContent = sale.product.price > sale.salePrice ? money(sale.product.price) : '';
    card.querySelector('.limit').textContent = `Up to ${sale.maxPerUser} per customer`;
    card.querySelector('[name=quantity]').max = String(sale.maxPerUser);
    card.querySelector('form').addEventListener('submit', (submit) => {
      submit.preventDefault();
      buy(sale.id, Number(card.querySelector('[name=quantity]').value));
    });
    state.cards.set(sale.id, card);
    list.append(card);
    renderStock(sale);
  }
}

function renderStock(sale) {
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
function applyStock(update) {
  const sale = state.sales.get(update.eventId);
  if (!sale || update.soldQuantity < sale.soldQuantity) return;
  Object.assign(sale, { availableStock: update.availableStock, soldQuantity: update.soldQuantity, status: update.status });
  renderStock(sale);
}

const stockOf = (event) => ({ eventId: event.id, availableStock: event.availableStock, soldQuantity: event.soldQuantity, status: event.status });

function loadSocketClient() {
  const script = document.createElement('script');
  script.src = `${V2}/socket.io/socket.io.js`;
  script.onload = connectSocket;
  script.onerror = () => setLiveStatus('Live stock is unavailable (the Socket.io client did not load).');
  document.head.append(script);
}

const setLiveStatus = (text) => ($('live-status').textContent = text);

function connectSocket() {
  if (typeof window.io !== 'function') return; // connects once the client script has loaded
  if (state.socket) state.socket.disconnect();
  const socket = window.io(`${V2}/flashsale`, { auth: state.session ? { token: state.session.token } : {} });
  state.socket = socket;
  socket.on('connect', () => {
    setLiveStatus('Live stock: connected');
    subscribeAll(); // rooms do not survive a reconnect
  });
  socket.on('disconnect', () => setLiveStatus('Live stock: reconnecting…'));
  socket.on('connect_error', (error) => {
    if (error.message === 'UNAUTHENTICATED') setSession(null, 'Your session has ended. Please log in again.');
    else setLiveStatus('Live stock: reconnecting…');
  });
  socket.on('stock', applyStock);
  socket.on('purchase', settlePurchase);
}

function subscribeAll() {
  if (!state.socket || !state.socket.connected) return;
  for (const eventId of state.sales.keys()) {
    state.socket.emit('subscribe', { eventId }, (reply) => reply && reply.ok && applyStock(stockOf(reply.event)));
  }
}

/** One line in "Your purchases"; v2 lines grow: Queued → Confirmed. */
function addActivity(title) {
  const item = document.createElement('li');
  const outcome = document.createElement('span');
  const steps = [];
  item.append(Object.assign(document.createElement('strong'), { textContent: title }), ' ', outcome);
  $('activity').prepend(item);
  $('activity-empty').hidden = true;
  return {
    step(text, tone) {
      steps.push(text);
      outcome.textContent = steps.join(' → ');
      item.className = tone || 'pending';
    },
  };
}

async function buy(eventId, quantity) {
  const sale = state.sales.get(eventId);
  if (!state.session) return notify('Log in or create an account to buy.');
  const version = document.querySelector('input[name=version]:checked').value;
  const entry = addActivity(`${version} · ${sale.product.name} × ${quantity}:`);
  const card = state.cards.get(eventId);
  card.classList.add('busy');
  renderStock(sale);
  try {
    if (version === 'v1') {
      const { order } = await api('POST', `/flashsale/${eventId}/purchase`, { body: { quantity } });
      entry.step(`Confirmed: order ${shortId(order.id)}, total ${money(order.totalPrice)}`, 'ok');
      loadOrders();
      // v1 pushes no stock messages: read the sale again.
      api('GET', `/flashsale-events/${eventId}`).then(({ event }) => applyStock(stockOf(event)), () => undefined);
    } else {
      const accepted = await api('POST', `/api/flashsale/${eventId}/purchase`, { base: V2, body: { quantity } });
      entry.step(`Queued (request ${shortId(accepted.requestId)})`);
      track(accepted, entry);
    }
  } catch (error) {
    entry.step(`Refused: ${describeError(error)}`, 'error');
  } finally {
    card.classList.remove('busy');
    renderStock(sale);
  }
}

/** The outcome comes over Socket.io; polling the status URL is the fallback if it does not. */
function track({ requestId, statusUrl }, entry) {
  state.tracked.set(requestId, entry);
  if (state.early.has(requestId)) return settlePurchase(state.early.get(requestId));
  const poll = (delay) =>
    setTimeout(async () => {
      if (!state.tracked.has(requestId)) return;
      const outcome = await api('GET', statusUrl, { base: V2 }).catch(() => null);
      if (outcome && outcome.status !== 'queued') settlePurchase(outcome);
      else poll(Math.min(delay * 2, 10000));
    }, delay);
  poll(2000);
}

function settlePurchase(outcome) {
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
    entry.step(`Confirmed: order ${shortId(outcome.order.id)}, total ${money(outcome.order.totalPrice)}`, 'ok');
    loadOrders();
  } else {
    entry.step(`Failed: ${describeError(outcome.error || {})}`, 'error');
  }
}

async function loadOrders() {
  const table = $('orders');
  if (!state.session) {
    table.hidden = true;
    $('orders-status').textContent = 'Log in to see your orders.';
    return;
  }
  const read = ++state.ordersRead;
  try {
    const { items } = await api('GET', '/orders?limit=20');
    if (read !== state.ordersRead) return;
    const rows = items.map((order) => {
      const sale = state.sales.get(order.eventId);
      const cells = [
        new Date(order.createdAt).toLocaleTimeString(),
        sale ? sale.product.name : `Sale ${shortId(order.eventId)}`,
        order.quantity,
        money(order.totalPrice),
        order.status,
      ];
      const row = document.createElement('tr');
      row.append(...cells.map((text) => Object.assign(document.createElement('td'), { textContent: String(text) })));
      return row;
    });
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = rows.length === 0;
    const count = `${items.length}${items.length === 20 ? '+' : ''}`;
    $('orders-status').textContent = rows.length ? `You have ${count} order${items.length === 1 ? '' : 's'}.` : 'No orders yet.';
  } catch (error) {
    $('orders-status').textContent = `Could not load your orders. ${describeError(error)}`;
  }
}

bindAuthForm($('register-form'), '/auth/register', ['name', 'email', 'password']);
bindAuthForm($('login-form'), '/auth/login', ['email', 'password']);
$('sign-out').addEventListener('click', () => setSession(null, 'Signed out.'));
$('refresh').addEventListener('click', loadSales);
renderAccount();
loadSales().then(loadOrders);
loadSocketClient();
