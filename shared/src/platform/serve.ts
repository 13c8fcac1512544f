import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RequestListener } from 'node:http';
import type { Config } from './config';
import type { Logger } from './logger';

export type HttpTimeouts = Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>;

const DEFAULT_TIMEOUTS: HttpTimeouts = { HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000 };

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Deliberate timeouts: a client must send its headers within HTTP_HEADERS_TIMEOUT_MS and its
 * whole request (a slow body included) within HTTP_REQUEST_TIMEOUT_MS, else 408 and the
 * connection is closed; checked every second, not node's default 30 s. An idle keep-alive
 * connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS, longer than nginx's upstream
 * keepalive_timeout (60 s), so that nginx closes idle connections first.
 */
export async function listen(handler: RequestListener, port: number, host: string, timeouts: HttpTimeouts = DEFAULT_TIMEOUTS): Promise<RunningServer> {
  const server = http.createServer(
    {
      headersTimeout: timeouts.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: Math.max(timeouts.HTTP_REQUEST_TIMEOUT_MS, timeouts.HTTP_HEADERS_TIMEOUT_MS),
      connectionsCheckingInterval: 1_000,
    },
    handler,
  );
  server.keepAliveTimeout = timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  let closed = false;
  server.once('close', () => (closed = true));
  // Every connection, upgraded ones (WebSockets) included, which closeAllConnections() leaves alone.
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    // Resolves once the last connection is gone. Socket.io's close() may have stopped the listener
    // already: the connections still open (keep-alive, WebSockets closing) are ended all the same,
    // or a process keeps running for as long as a client keeps one open.
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const timer = setTimeout(() => sockets.forEach((socket) => socket.destroy()), graceMs).unref();
        server.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        if (server.listening) server.close();
        server.closeIdleConnections();
      }),
  };
}

/**
 * Requests node's HTTP parser refuses (a raw non-ASCII byte in the path, headers over the size
 * limit) never reach Express; they get the API's JSON error instead of node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // As node's default: never write into a response already under way.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    return;
  }
  const [status, code] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'PAYLOAD_TOO_LARGE'] : [400, 'VALIDATION_ERROR'];
  const body = JSON.stringify({ error: { code, message: 'malformed HTTP request' } });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits; a second signal exits at once, and so
 * does a shutdown still running after `timeoutMs` (a dependency that does not answer must not
 * leave the process hanging, holding its port).
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>, timeoutMs = 20_000): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, timeoutMs).unref();
    shutdown()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
