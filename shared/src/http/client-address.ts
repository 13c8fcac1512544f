import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';

/**
 * The client's address as Express computes `req.ip` with `trust proxy` set to a hop count: the
 * peer, then `X-Forwarded-For` read from the right, trusting exactly `trustedHops` proxies. For
 * places without Express (the Socket.io handshake), so both see the same address.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .reverse();
  const chain = [peer, ...forwarded];
  return chain[Math.min(trustedHops, chain.length - 1)]!;
}

/** The key limits count by, as the HTTP rate limits do: an IPv6 client is its /56, which it cannot leave by changing address. */
export const addressKey = (address: string): string => ipKeyGenerator(address);
