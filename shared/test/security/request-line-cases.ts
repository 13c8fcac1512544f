import { randomUUID } from 'node:crypto';
import type { BadRequest } from './matrix';
import type { RouteSpec } from './routes';
import type { World } from './world';

const UUID = '3f0e9c1a-7b2d-4c5e-9f80-1a2b3c4d5e6f';

/** Path parameters that are not a UUID, as they appear on the wire (already percent-encoded or not). */
const NOT_UUIDS = [
  'not-a-uuid',
  '1',
  '0',
  '-1',
  'null',
  'undefined',
  '.',
  '..',
  "1'%20OR%20'1'%3D'1",
  ';DROP%20TABLE%20users',
  '%00',
  '%20',
  `${UUID}%20`,
  `%7B${UUID}%7D`,
  UUID.replaceAll('-', ''),
  '00000000-0000-0000-0000-00000000000g',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%C3%A9',
  '%F0%9F%98%80',
  '<script>alert(1)<%2Fscript>',
  'a%0Ab',
  'a'.repeat(8_000),
];

/** Percent-encoding that does not decode (invalid or truncated UTF-8): refused while matching the route. */
const UNDECODABLE = ['%E0%A4%A', '%', '%zz', '%C0%AE', '%ED%A0%80', '%FF'];

/** Bytes node's HTTP parser refuses in a request line, and a request line over its 16 KB limit. */
const UNPARSEABLE: Array<[id: string, status: number]> = [
  ['\u00e9', 400],
  ['a\u00ffb', 400],
  ['a'.repeat(20_000), 431],
];

/** Paths that leave the route altogether: no route answers them. */
const ESCAPING = ['../../etc/passwd', 'a/b'];

/** Bad ids in an otherwise valid request (an admin's body, if the route takes one). */
export function badParams(world: World, route: RouteSpec): BadRequest[] {
  const at = (id: string) => `${world.prefix}${route.path.replace(':id', id)}`;
  const valid = route.body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(route.body(world)) } : {};
  const cases: BadRequest[] = [
    ...NOT_UUIDS.map((id): BadRequest => ({ label: `id ${id.slice(0, 40)}`, stage: 'handler', status: 400, path: at(id) })),
    ...UNDECODABLE.map((id): BadRequest => ({ label: `id ${id}`, stage: 'routing', status: 400, path: at(id) })),
    ...ESCAPING.map((id): BadRequest => ({ label: `id ${id}`, stage: 'routing', status: 404, path: at(id) })),
    ...UNPARSEABLE.map(([id, status]): BadRequest => ({ label: `raw id ${id.slice(0, 20)}`, stage: 'parser', status, path: at(id) })),
    { label: 'unknown uuid', stage: 'handler', status: 404, path: at(randomUUID()) },
  ];
  return cases.map((bad) => ({ ...valid, ...bad }));
}

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
const cursorOf = (value: unknown): string => b64(JSON.stringify(value));

const BAD_PAGINATION = [
  'limit=-1',
  'limit=0',
  'limit=-0',
  'limit=abc',
  'limit=1.5',
  'limit=1e309',
  'limit=99999999999999999999',
  `limit=${'9'.repeat(400)}`,
  'limit=101',
  'limit=',
  'limit=%20',
  'limit=NaN',
  'limit=Infinity',
  'limit=%00',
  'limit=%E0%A4%A',
  'limit=1&limit=2',
  'limit[]=1',
  'limit[a]=1',
  'cursor=garbage',
  'cursor=!!!',
  'cursor=',
  `cursor=${'a'.repeat(201)}`,
  `cursor=${b64('null')}`,
  `cursor=${b64('[]')}`,
  `cursor=${b64('{"t":"1"}')}`,
  `cursor=${cursorOf({ t: 'abc', id: UUID })}`,
  `cursor=${cursorOf({ t: '-1', id: UUID })}`,
  `cursor=${cursorOf({ t: 1, id: UUID })}`,
  `cursor=${cursorOf({ t: '1', id: 'not-a-uuid' })}`,
  `cursor=${cursorOf({ t: '99999999999999999999', id: UUID })}`,
  `cursor=${cursorOf({ t: '9223372036854775807', id: UUID })}`,
  `cursor=${cursorOf({ t: '999999999999999999', id: UUID })}`,
  `cursor=${b64('{"__proto__":{"t":"1","id":"x"}}')}`,
  `cursor=${b64(Buffer.from([0xff, 0xfe, 0x7b]))}`,
  'cursor=a&cursor=b',
  'cursor=%E0%A4%A',
  'foo=1',
  '__proto__=1',
  '__proto__[limit]=5',
  'constructor=1',
  'toString=1',
  'hasOwnProperty=1',
];

export function badQueries(world: World, route: RouteSpec): BadRequest[] {
  const path = `${world.prefix}${route.path}`;
  return [...BAD_PAGINATION, ...(route.badQueries ?? [])].map((query) => ({
    label: query.slice(0, 60),
    stage: 'handler',
    status: 400,
    path: `${path}?${query}`,
  }));
}

/** Requests for no route at all; refused with 404 (or 400 when the path does not even decode). */
export function unknownPaths(prefix: string): Array<{ method: string; path: string }> {
  const paths = [
    `${prefix}/nope`,
    `${prefix}/%E0%A4%A`,
    `${prefix}/..%2f..%2fetc%2fpasswd`,
    `${prefix}/products/${UUID}/extra`,
    `${prefix}/auth`,
    `${prefix}/flashsale/purchase`,
    `${prefix}/${'a'.repeat(8_000)}`,
  ];
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  return paths.flatMap((path) => methods.map((method) => ({ method, path })));
}
