import type { BadRequest } from './matrix';
import type { RouteSpec } from './routes';
import type { World } from './world';

/**
 * Authorization headers that must not authenticate anyone. Built around a real admin token, so a
 * lenient parser that dug the token out would let the request through and fail the test.
 */
export function badAuthorizations(world: World): Array<[label: string, value: string | string[], status?: number]> {
  const token = world.admin.token;
  const [header, payload] = token.split('.') as [string, string, string];
  return [
    ['token without scheme', token],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['two spaces', `Bearer  ${token}`],
    ['Basic credentials', `Basic ${Buffer.from(`${world.admin.email}:${world.admin.password}`).toString('base64')}`],
    ['Basic scheme with a JWT', `Basic ${token}`],
    ['Token scheme', `Token ${token}`],
    ['garbage', 'Bearer garbage'],
    ['three dots', 'Bearer ...'],
    ['a.b.c', 'Bearer a.b.c'],
    ['two segments', `Bearer ${header}.${payload}`],
    ['four segments', `Bearer ${token}.${payload}`],
    ['two tokens, space separated', `Bearer ${token} ${token}`],
    ['two tokens, comma separated', `Bearer ${token}, Bearer ${token}`],
    ['signature changed', `Bearer ${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`],
    ['signature removed', `Bearer ${header}.${payload}.`],
    ['non-ASCII byte', 'Bearer \u00e9\u00e9.\u00e9.\u00e9'],
    ['very long', `Bearer ${'a'.repeat(8_000)}`],
    ['very long, JWT shaped', `Bearer ${'a'.repeat(4_000)}.${'b'.repeat(4_000)}.c`],
    ['garbage first of two headers', ['Bearer garbage', `Bearer ${token}`]],
    ['over the 16 KB header limit', `Bearer ${'a'.repeat(20_000)}`, 431],
  ];
}

/** Requests a route would accept from an admin, except for the Authorization header. */
export function forgedAuthRequests(world: World, route: RouteSpec): BadRequest[] {
  const body = route.body ? JSON.stringify(route.body(world)) : undefined;
  return badAuthorizations(world).map(([label, value, status = 401]) => ({
    label: `Authorization ${label}`,
    stage: status === 401 ? 'handler' : 'parser',
    status,
    replaceAuth: true,
    headers: { authorization: value, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  }));
}

/** Idempotency-Key values docs/api.md does not allow (printable ASCII, 1 to 255 characters). */
export const BAD_IDEMPOTENCY_KEYS: Array<[label: string, value: string | string[]]> = [
  ['empty', ''],
  ['inner space', 'has space'],
  ['256 characters', 'k'.repeat(256)],
  ['very long', 'k'.repeat(8_000)],
  ['non-ASCII byte', 'cl\u00e9'],
  ['tab inside', 'a\tb'],
  ['sent twice', ['first-key', 'second-key']],
];

/** X-Request-Id values that must not be echoed back (they would end up in logs and responses). */
export const BAD_REQUEST_IDS: Array<[label: string, value: string | string[]]> = [
  ['65 characters', 'r'.repeat(65)],
  ['very long', 'r'.repeat(8_000)],
  ['spaces', 'a b c'],
  ['markup', '<script>alert(1)</script>'],
  ['path', '../../etc/passwd'],
  ['JSON', '{"reqId":"forged"}'],
  ['non-ASCII byte', 'id-\u00e9'],
  ['sent twice', ['one', 'two']],
  ['empty', ''],
];
