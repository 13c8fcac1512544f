// The FlashFast shop page: plain browser JavaScript (ES modules), no build step. Auth, sales and
// orders go to v1 on this origin; v2's queued purchase and Socket.io go to FLASHFAST_CONFIG.v2Url,
// which is '' (this origin) behind nginx and v2's own origin under `npm start`.
//   shop-state.js  state, API client, notice      shop-sales.js      sale cards, stock, quantity
//   shop-live.js   Socket.io: stock and outcomes  shop-purchases.js  buying with v1 or v2
//   shop-orders.js "Your orders"                  shop-words.js      error codes -> sentences
//   shop-format.js money (SHOP_CURRENCY), times   shop-api.js        fetch with the token
import { connectSocket, startLive, subscribeAll } from './shop-live.js';
import { loadOrders } from './shop-orders.js';
import { buy, settlePurchase } from './shop-purchases.js';
import { loadSales } from './shop-sales.js';
import { $, api, notify, state, storeSession } from './shop-state.js';
import { accountProblem } from './shop-words.js';

function setSession(session, message) {
  storeSession(session);
  notify(message);
  renderAccount();
  connectSocket(); // the socket's user room follows the token
  loadOrders();
}

state.onSessionEnded = () => setSession(null, 'Your session has ended. Please log in again.');

/** "Signed in as" with the name and, on a line of its own, the email: both wrap, never overflow. */
function renderAccount() {
  const user = state.session && state.session.user;
  const whoami = $('whoami');
  if (user) {
    const name = Object.assign(document.createElement('strong'), { textContent: user.name });
    const email = Object.assign(document.createElement('span'), { className: 'who-email', textContent: user.email });
    whoami.replaceChildren('Signed in as ', name, email);
  } else {
    whoami.replaceChildren('Not signed in');
  }
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
      errorLine.textContent = accountProblem(error);
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
}

const showSales = () => loadSales(buy).then(subscribeAll);

bindAuthForm($('register-form'), '/auth/register', ['name', 'email', 'password']);
bindAuthForm($('login-form'), '/auth/login', ['email', 'password']);
$('sign-out').addEventListener('click', () => setSession(null, 'Signed out.'));
$('refresh').addEventListener('click', showSales);
renderAccount();
showSales().then(loadOrders);
startLive(settlePurchase);
