import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { rawRequest, type RawResponse } from './raw-http';
import type { SecurityTarget } from './target';
import { openWorld, type World } from './world';

/** Nothing the auth routes answer may carry a password hash, a password, or hash-like text. */
function leaks(response: RawResponse, password: string, hash: string): string[] {
  const found: string[] = [];
  if (response.text.includes('$2')) found.push('bcrypt prefix $2');
  if (response.text.includes(hash)) found.push('the stored hash');
  if (response.text.includes(password)) found.push('the password');
  if (/password/i.test(JSON.stringify(Object.keys((response.json as { user?: object })?.user ?? {})))) found.push('a password field');
  return found;
}

export function secretsSuite(target: SecurityTarget): void {
  describe(`${target.name}: secrets never leave the server`, () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld(target);
    });
    afterAll(() => world.close());

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      rawRequest(world.url, {
        method: 'POST',
        path: `${world.prefix}${path}`,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    it('register, login (right and wrong), me and a duplicate registration never include the hash or password', async () => {
      const email = `secret-${randomUUID()}@example.test`;
      const password = 'a-password-nobody-should-see';
      const registered = await post('/auth/register', { name: 'Secret Keeper', email, password });
      expect(registered.status).toBe(201);
      const { rows } = await world.deps.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [
        email,
      ]);
      const hash = rows[0]!.password_hash;
      expect(hash.startsWith('$2')).toBe(true);

      const token = (registered.json as { token: string }).token;
      const responses: Record<string, RawResponse> = {
        register: registered,
        login: await post('/auth/login', { email, password }),
        'wrong password': await post('/auth/login', { email, password: `${password}!` }),
        duplicate: await post('/auth/register', { name: 'Twin', email, password }),
        me: await rawRequest(world.url, { method: 'GET', path: `${world.prefix}/auth/me`, headers: { authorization: `Bearer ${token}` } }),
      };
      expect(Object.values(responses).map((r) => r.status)).toEqual([201, 200, 401, 409, 200]);
      const found = Object.entries(responses).flatMap(([name, response]) => leaks(response, password, hash).map((leak) => `${name}: ${leak}`));
      expect(found).toEqual([]);
    });

    it('the issued token carries only the subject, the role, its times and a random id (what makes each token revocable alone)', async () => {
      const response = await post('/auth/login', { email: world.customer.email, password: world.customer.password });
      const claims = jwt.decode((response.json as { token: string }).token) as Record<string, unknown>;
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'jti', 'role', 'sub']);
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}
