import http from 'node:http';
import https from 'node:https';
import { io, type Socket } from 'socket.io-client';

export interface SocketOptions {
  token?: string;
  namespace?: string;
  transport: 'websocket' | 'polling';
  /** The client's source address (127.0.0.x): nginx's affinity key is the client address. */
  localAddress?: string;
  /** For an https:// URL (WebSocket over TLS, polling over HTTPS): the authority to trust. */
  ca?: string;
}

/** Socket.io clients that are all disconnected by `closeAll` (call it in afterAll). */
export function socketClients() {
  const sockets: Socket[] = [];
  const agents: http.Agent[] = [];
  return {
    /** Resolves once connected; rejects with the connect error. */
    connect(url: string, { token, namespace = '/flashsale', transport, localAddress, ca }: SocketOptions): Promise<Socket> {
      const agent = !localAddress ? undefined : url.startsWith('https:') ? new https.Agent({ keepAlive: true, localAddress, ca }) : new http.Agent({ keepAlive: true, localAddress });
      if (agent) agents.push(agent);
      const socket = io(`${url}${namespace}`, {
        auth: token ? { token } : {},
        transports: [transport],
        reconnection: false,
        ...(ca ? { ca } : {}),
        // engine.io-client hands `agent` to node's http (polling) and to ws (WebSocket).
        ...(agent ? { agent: agent as unknown as string } : {}),
      });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    },
    closeAll(): void {
      for (const socket of sockets) socket.disconnect();
      for (const agent of agents) agent.destroy();
    },
  };
}

/** The first `event` message that satisfies `accept`, or a rejection after `timeoutMs`. */
export function nextMessage<T>(socket: Socket, event: string, accept: (message: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} message within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (message: T) => {
      if (!accept(message)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(message);
    };
    socket.on(event, listener);
  });
}

/** The transport the client ended up on (after any upgrade). */
export const transportOf = (socket: Socket): string => socket.io.engine.transport.name;
