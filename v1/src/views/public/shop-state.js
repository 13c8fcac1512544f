// What the page's modules share: its state, the API client and the notice line.
import { createApi } from './shop-api.js';

const SESSION_KEY = 'flashfast.session';

export const $ = (id) => document.getElementById(id);

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

export const state = {
  session: readSession(),
  sales: new Map(), // eventId -> sale as last read or pushed
  cards: new Map(), // eventId -> its card element
  socket: null,
  tracked: new Map(), // v2 requestId -> activity entry, until decided
  early: new Map(), // outcomes pushed before the 202 reached us
  ordersRead: 0, // only the newest read of the orders is shown
  /** Set by shop.js: what happens when the API says the token is no longer good. */
  onSessionEnded: () => undefined,
};

/** Remembers the session for this tab (it survives a reload, not the tab's closing). */
export function storeSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

export const api = createApi({
  token: () => state.session && state.session.token,
  onSessionEnded: () => state.onSessionEnded(),
});

export function notify(message) {
  $('notice').textContent = message || '';
  $('notice').hidden = !message;
}
