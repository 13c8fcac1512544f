import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { errorContractViolation, rawRequest } from './raw-http';
import type { SecurityTarget } from './target';
import { dbFingerprint, openWorld, type World } from './world';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (key: string, input: string): string => createHmac('sha256', key).update(input).digest('base64url');

/** A token assembled by hand: any header, any payload, signed with HMAC-SHA256 under `key`, or unsigned. */
function handMade(header: object, payload: object, key?: string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${key === undefined ? '' : hs256(key, input)}`;
}

/** Every way of forging or bending a token that must not authenticate, each claiming to be `admin`. */
function forgeries(world: World): Array<[label: string, token: string]> {
  const secret = world.deps.config.JWT_SECRET;
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  const admin = { sub: world.admin.id, role: 'admin', exp: inAnHour };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const [header, , signature] = world.customer.token.split('.') as [string, string, string];
  const customerClaims = jwt.decode(world.customer.token) as Record<string, unknown>;
  return [
    ['alg none', handMade({ alg: 'none', typ: 'JWT' }, admin)],
    ['alg None', handMade({ alg: 'None', typ: 'JWT' }, admin)],
    ['alg NONE', handMade({ alg: 'NONE' }, admin)],
    ['HS256 with a wrong secret', jwt.sign({ role: 'admin' }, 'a-wrong-secret-that-is-long-enough-0123456789', { subject: world.admin.id, expiresIn: 3600 })],
    ['HS256 with an empty key', handMade({ alg: 'HS256', typ: 'JWT' }, admin, '')],
    ['HS384 with the right secret', jwt.sign({ role: 'admin' }, secret, { algorithm: 'HS384', subject: world.admin.id, expiresIn: 3600 })],
    ['HS512 with the right secret', jwt.sign({ role: 'admin' }, secret, { algorithm: 'HS512', subject: world.admin.id, expiresIn: 3600 })],
    ['RS256 header over an HMAC of the secret', handMade({ alg: 'RS256', typ: 'JWT' }, admin, secret)],
    ['RS256 signed with some RSA key', jwt.sign({ role: 'admin' }, privateKey, { algorithm: 'RS256', subject: world.admin.id, expiresIn: 3600 })],
    ['expired a minute ago', jwt.sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 60 }, secret, { subject: world.admin.id })],
    ['without exp', jwt.sign({ role: 'admin' }, secret, { subject: world.admin.id })],
    ['exp as a string', handMade({ alg: 'HS256', typ: 'JWT' }, { ...admin, exp: String(inAnHour) }, secret)],
    ['not valid before next hour', jwt.sign({ role: 'admin' }, secret, { subject: world.admin.id, expiresIn: 7200, notBefore: 3600 })],
    ['customer token with role edited to admin', `${header}.${b64url({ ...customerClaims, role: 'admin' })}.${signature}`],
    ['customer token with sub edited to the admin', `${header}.${b64url({ ...customerClaims, sub: world.admin.id })}.${signature}`],
    ['unknown role', jwt.sign({ role: 'superuser' }, secret, { subject: world.admin.id, expiresIn: 3600 })],
    ['role missing', jwt.sign({}, secret, { subject: world.admin.id, expiresIn: 3600 })],
    ['subject not a uuid', jwt.sign({ role: 'admin' }, secret, { subject: '1', expiresIn: 3600 })],
    ['subject missing', jwt.sign({ role: 'admin' }, secret, { expiresIn: 3600 })],
    ['payload not JSON', `${header}.${Buffer.from('not json').toString('base64url')}.${hs256(secret, `${header}.${Buffer.from('not json').toString('base64url')}`)}`],
    ['kid pointing at a file', handMade({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, admin, '')],
  ];
}

/** Forged, tampered, expired and foreign tokens are refused with 401 UNAUTHENTICATED everywhere. */
export function forgedTokensSuite(target: SecurityTarget): void {
  describe(`${target.name}: forged tokens`, () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld(target);
    });
    afterAll(() => world.close());

    const send = (method: string, path: string, token: string, body?: unknown) =>
      rawRequest(world.url, {
        method,
        path: `${world.prefix}${path}`,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('every forgery is refused with 401 UNAUTHENTICATED on user and admin routes, and changes nothing', async () => {
      const before = await dbFingerprint(world.deps);
      const routes: Array<[method: string, path: string, body?: unknown]> = [
        ['GET', '/auth/me'],
        ['GET', '/orders'],
        ['GET', `/orders/${world.orderId}`],
        ['POST', `/flashsale/${world.sale.id}/purchase`, { quantity: 1 }],
        ['POST', '/products', { name: 'Forged', price: 1, stock: 1 }],
        ['DELETE', `/products/${world.productId}`],
        ['PATCH', `/flashsale-events/${world.sale.id}`, { isActive: false }],
      ];
      const problems: string[] = [];
      for (const [label, token] of forgeries(world)) {
        for (const [method, path, body] of routes) {
          const response = await send(method, path, token, body);
          const problem = errorContractViolation(response, [401]);
          const code = (response.json as { error?: { code?: string } } | undefined)?.error?.code;
          if (problem || code !== 'UNAUTHENTICATED') problems.push(`${label}: ${method} ${path}: ${problem ?? code}`);
        }
      }
      expect(problems).toEqual([]);
      expect(await dbFingerprint(world.deps)).toEqual(before);
    });

    it('the genuine tokens the forgeries started from do work (the refusals above are not a broken setup)', async () => {
      expect((await send('GET', '/auth/me', world.admin.token)).status).toBe(200);
      expect((await send('GET', '/auth/me', world.customer.token)).status).toBe(200);
    });

    it('a valid token for a user that does not exist gets no user: /auth/me is 401 or 404, a purchase is refused', async () => {
      const ghost = jwt.sign({ role: 'customer' }, world.deps.config.JWT_SECRET, { subject: randomUUID(), expiresIn: 3600 });
      const before = await dbFingerprint(world.deps);

      const me = await send('GET', '/auth/me', ghost);
      expect(errorContractViolation(me, [401, 404])).toBeUndefined();
      expect(JSON.stringify(me.json)).not.toContain('"user"');

      const purchase = await send('POST', `/flashsale/${world.sale.id}/purchase`, ghost, { quantity: 1 });
      expect(errorContractViolation(purchase)).toBeUndefined();
      expect(await dbFingerprint(world.deps)).toEqual(before);
    });
  });
}
