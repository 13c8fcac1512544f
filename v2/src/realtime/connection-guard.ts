import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { addressKey, clientAddress, type Config, type Logger } from '@flashfast/shared';
import { EmitBudget } from './emit-budget';

type GuardConfig = Pick<
  Config,
  'TRUST_PROXY_HOPS' | 'SOCKET_EMITS_PER_SECOND' | 'SOCKET_EMIT_BURST' | 'SOCKET_FLOOD_COOLDOWN_MS' | 'SOCKET_MAX_CONNECTIONS_PER_ADDRESS'
>;

/** The engine.io connection under a Socket.io socket (one per client, shared by its namespaces). */
type Connection = Socket['conn'];

// A handshake admitted but never completed gives its place back after this.
const HANDSHAKE_RESERVATION_MS = 10_000;

/**
 * Contains abusive Socket.io clients, per instance (nginx sends an address to one instance):
 * - at most SOCKET_MAX_CONNECTIONS_PER_ADDRESS connections per client address (X-Forwarded-For
 *   read as Express reads it), refused at the handshake;
 * - every message of a connection, any namespace or none, spends from its EmitBudget; a connection
 *   that runs dry is disconnected (`io server disconnect`, so well-behaved clients do not reconnect)
 *   and its address is refused new connections for SOCKET_FLOOD_COOLDOWN_MS.
 */
export class ConnectionGuard {
  private readonly perAddress = new Map<string, number>();
  private readonly floodedUntil = new Map<string, number>();
  private readonly socketsOf = new WeakMap<Connection, Set<Socket>>();

  constructor(
    private readonly config: GuardConfig,
    private readonly logger: Logger,
  ) {}

  /** For the Server's `allowRequest` option: runs on every new handshake. */
  readonly allowRequest = (req: IncomingMessage, answer: (error: string | null | undefined, success: boolean) => void): void => {
    const key = addressKey(clientAddress(req, this.config.TRUST_PROXY_HOPS));
    const cooldownEnds = this.floodedUntil.get(key) ?? 0;
    if (cooldownEnds > Date.now()) return answer('FLOODING', false);
    if (cooldownEnds > 0) this.floodedUntil.delete(key);
    if ((this.perAddress.get(key) ?? 0) >= this.config.SOCKET_MAX_CONNECTIONS_PER_ADDRESS) return answer('TOO_MANY_CONNECTIONS', false);
    // Counted from now, not from 'connection', so a burst of handshakes cannot all slip past the cap.
    this.perAddress.set(key, (this.perAddress.get(key) ?? 0) + 1);
    const reservation = setTimeout(() => this.release(key), HANDSHAKE_RESERVATION_MS).unref();
    (req as IncomingMessage & { guard?: { key: string; reservation: NodeJS.Timeout } }).guard = { key, reservation };
    answer(null, true);
  };

  attach(io: Server): void {
    io.engine.on('connection', (conn: Connection) => {
      const guard = (conn.request as IncomingMessage & { guard?: { key: string; reservation: NodeJS.Timeout } }).guard;
      if (!guard) return;
      clearTimeout(guard.reservation);
      conn.once('close', () => this.release(guard.key));
      const budget = new EmitBudget(this.config.SOCKET_EMITS_PER_SECOND, this.config.SOCKET_EMIT_BURST);
      conn.on('message', () => {
        if (!budget.take()) this.flooded(conn, guard.key);
      });
    });
  }

  /** Call from each namespace's `connection`: lets a flooded connection be told why it is closed. */
  track(socket: Socket): void {
    const sockets = this.socketsOf.get(socket.conn) ?? new Set<Socket>();
    this.socketsOf.set(socket.conn, sockets.add(socket));
    socket.once('disconnect', () => sockets.delete(socket));
  }

  private flooded(conn: Connection, key: string): void {
    if (conn.readyState === 'closed' || conn.readyState === 'closing') return;
    this.floodedUntil.set(key, Date.now() + this.config.SOCKET_FLOOD_COOLDOWN_MS);
    this.logger.warn({ address: key, cooldownMs: this.config.SOCKET_FLOOD_COOLDOWN_MS }, 'socket.io client flooding: disconnected');
    for (const socket of this.socketsOf.get(conn) ?? []) socket.disconnect(true);
    conn.close();
  }

  private release(key: string): void {
    const left = (this.perAddress.get(key) ?? 1) - 1;
    if (left > 0) this.perAddress.set(key, left);
    else this.perAddress.delete(key);
  }
}
