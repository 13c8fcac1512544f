import type { Namespace } from 'socket.io';
import { AppError, errorBody, type Authenticator, type Logger } from '@flashfast/shared';

/**
 * A token is checked at the handshake, but a connection outlives that moment: every
 * `intervalMs` each connection that came with a token is checked again, as an HTTP request
 * would be. Once the token has expired, was logged out, or its account was removed, the client
 * gets `session_ended` (the HTTP error body) and is disconnected, so it stops hearing that
 * account's purchases. A check the revocation list is too stale to answer leaves it connected.
 */
export function checkSessions(namespace: Namespace, auth: Pick<Authenticator, 'authenticate'>, intervalMs: number, logger: Logger): () => void {
  const timer = setInterval(() => {
    for (const socket of namespace.sockets.values()) {
      const token: unknown = socket.data.token;
      if (typeof token !== 'string') continue;
      try {
        auth.authenticate(token);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'UNAUTHENTICATED') continue;
        socket.emit('session_ended', errorBody(error));
        socket.disconnect(true);
        logger.debug({ userId: socket.data.userId }, 'socket disconnected: its session ended');
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
