// Live stock and v2 outcomes over Socket.io (v2's /flashsale namespace). The client script is
// v2's own (/socket.io/socket.io.js), loaded once; the socket follows the session's token.
import { V2 } from './shop-format.js';
import { applyStock, stockOf } from './shop-sales.js';
import { $, state } from './shop-state.js';

const setLiveStatus = (text) => ($('live-status').textContent = text);
/** @type {(outcome: unknown) => void} */
let onOutcome = () => undefined;

/** Loads the client and connects; `outcomes(outcome)` gets every `purchase` message (this user's v2 results). */
export function startLive(outcomes) {
  onOutcome = outcomes;
  const script = document.createElement('script');
  script.src = `${V2}/socket.io/socket.io.js`;
  script.onload = connectSocket;
  script.onerror = () => setLiveStatus('Live stock is unavailable (the Socket.io client did not load).');
  document.head.append(script);
}

/** (Re)connects with the session's token, so that the socket's user room follows the session. */
export function connectSocket() {
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
    if (error.message === 'UNAUTHENTICATED') state.onSessionEnded();
    else setLiveStatus('Live stock: reconnecting…');
  });
  // The token stopped holding while connected (expired, logged out elsewhere): sign out, which
  // reconnects anonymously (the server does not let this socket reconnect by itself).
  socket.on('session_ended', () => state.onSessionEnded());
  socket.on('stock', applyStock);
  socket.on('purchase', (outcome) => onOutcome(outcome));
}

/** Subscribes to every sale on the page (after each load of the sales and each reconnect). */
export function subscribeAll() {
  if (!state.socket || !state.socket.connected) return;
  for (const eventId of state.sales.keys()) {
    state.socket.emit('subscribe', { eventId }, (reply) => reply && reply.ok && applyStock(stockOf(reply.event)));
  }
}
