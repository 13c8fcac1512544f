import { badValuesFor, nestedArray, nestedObject } from './bad-values';
import type { BadRequest } from './matrix';
import type { RouteSpec } from './routes';
import type { World } from './world';

const JSON_TYPE = { 'content-type': 'application/json' };

/** The template as JSON text with `field` replaced by raw JSON (or left out when `json` is undefined). */
function withField(template: Record<string, unknown>, field: string, json: string | undefined): string {
  const entries = Object.entries(template)
    .filter(([key]) => key !== field || json !== undefined)
    .map(([key, value]) => `${JSON.stringify(key)}:${key === field ? json : JSON.stringify(value)}`);
  if (!(field in template) && json !== undefined) entries.push(`${JSON.stringify(field)}:${json}`);
  return `{${entries.join(',')}}`;
}

const withTail = (valid: string, tail: string): string => `${valid.slice(0, -1)},${tail}}`;

/** Bodies no JSON parser accepts, or that the body parser refuses before any route runs. */
function unparseable(valid: string): BadRequest[] {
  const json = (label: string, body: string | Buffer, status = 400): BadRequest => ({
    label,
    stage: 'parser',
    status,
    headers: JSON_TYPE,
    body,
  });
  const big = JSON.stringify({ padding: 'x'.repeat(20_000) });
  return [
    json('truncated', valid.slice(0, -3)),
    json('lone brace', '{'),
    json('single quotes', "{'quantity':1}"),
    json('trailing comma', withTail(valid, '')),
    json('NaN literal', '{"quantity":NaN}'),
    json('comment', `/* hi */ ${valid}`),
    json('garbage after JSON', `${valid}garbage`),
    json('two documents', `${valid}${valid}`),
    json('unterminated string', '{"name":"abc'),
    json('invalid escape', '{"name":"\\x41"}'),
    json('bare null', 'null'),
    json('bare string', '"text"'),
    json('bare number', '42'),
    json('bare true', 'true'),
    json('oversized (20 KB)', big, 413),
    json('oversized (1 MB)', JSON.stringify({ padding: 'x'.repeat(1_000_000) }), 413),
    { label: 'oversized, chunked', stage: 'parser', status: 413, headers: JSON_TYPE, body: big, chunked: true },
    json('UTF-16 bytes declared as JSON', Buffer.from(valid, 'utf16le')),
    { label: 'latin1 charset', stage: 'parser', status: 415, headers: { 'content-type': 'application/json; charset=latin1' }, body: valid },
    { label: 'unknown charset', stage: 'parser', status: 415, headers: { 'content-type': 'application/json; charset=klingon' }, body: valid },
    { label: 'utf-99 charset', stage: 'parser', status: 415, headers: { 'content-type': 'application/json; charset=utf-99' }, body: valid },
    { label: 'gzip header, plain body', stage: 'parser', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: valid },
    { label: 'deflate header, plain body', stage: 'parser', headers: { ...JSON_TYPE, 'content-encoding': 'deflate' }, body: valid },
    { label: 'unknown content-encoding', stage: 'parser', headers: { ...JSON_TYPE, 'content-encoding': 'klingon' }, body: valid },
  ];
}

/** Bodies that parse (or are not JSON at all) but are not an object of the right fields. */
function wrongDocuments(valid: string): BadRequest[] {
  const as = (label: string, body: string | Buffer | undefined, headers: Record<string, string> = JSON_TYPE): BadRequest => ({
    label,
    stage: 'handler',
    status: 400,
    headers,
    body,
  });
  return [
    as('no body at all', undefined, {}),
    as('empty body with JSON type', ''),
    as('empty object', '{}'),
    as('empty array', '[]'),
    as('valid body inside an array', `[${valid}]`),
    as('nested arrays 5000 deep', nestedArray(5000)),
    as('nested objects 2500 deep', nestedObject(2500)),
    as('invalid UTF-8 key', Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe]), Buffer.from('":1}')])),
    as('valid JSON sent as text/plain', valid, { 'content-type': 'text/plain' }),
    as('valid JSON without content-type', valid, {}),
    as('form-urlencoded', 'quantity=1&name=x&email=a%40b.c', { 'content-type': 'application/x-www-form-urlencoded' }),
    as('multipart', '--b\r\nContent-Disposition: form-data; name="quantity"\r\n\r\n1\r\n--b--\r\n', {
      'content-type': 'multipart/form-data; boundary=b',
    }),
    as('XML', '<quantity>1</quantity>', { 'content-type': 'application/xml' }),
    as('garbage content-type', valid, { 'content-type': 'garbage' }),
  ];
}

/** The valid body plus a key that must not be accepted (roles, ids, prototype pollution). */
function extraKeys(valid: string, firstField: string): BadRequest[] {
  const tails: Array<[string, string]> = [
    ['role: admin', '"role":"admin"'],
    ['__proto__ with role', '"__proto__":{"role":"admin"}'],
    ['constructor.prototype', '"constructor":{"prototype":{"role":"admin"}}'],
    ['client-chosen id', '"id":"3f0e9c1a-7b2d-4c5e-9f80-1a2b3c4d5e6f"'],
    ['isAdmin', '"isAdmin":true'],
    ['password_hash', '"password_hash":"$2a$04$abcdefghijklmnopqrstuv"'],
    ['createdAt', '"createdAt":"2000-01-01T00:00:00Z"'],
    ['duplicate key, last one bad', `${JSON.stringify(firstField)}:{"$ne":null}`],
  ];
  // Where `role` is the body's own field (an admin setting a role), a second `role` is no extra key.
  const extra = firstField === 'role' ? tails.filter(([label]) => label !== 'role: admin') : tails;
  return extra.map(([label, tail]) => ({ label: `extra key ${label}`, stage: 'handler', status: 400, headers: JSON_TYPE, body: withTail(valid, tail) }));
}

/** One field at a time replaced by each malformed value of its kind, or left out when required. */
function brokenFields(route: RouteSpec, template: Record<string, unknown>): BadRequest[] {
  const cases: BadRequest[] = [];
  for (const [field, kind] of Object.entries(route.fields ?? {})) {
    if (route.required?.includes(field)) {
      cases.push({ label: `${field} missing`, stage: 'handler', status: 400, headers: JSON_TYPE, body: withField(template, field, undefined) });
    }
    for (const bad of badValuesFor(kind)) {
      cases.push({ label: `${field}: ${bad.label}`, stage: 'handler', status: 400, headers: JSON_TYPE, body: withField(template, field, bad.json) });
    }
  }
  return cases;
}

/** Every malformed or refused body for a route that takes one. */
export function badBodies(world: World, route: RouteSpec): BadRequest[] {
  const template = route.body!(world);
  const valid = JSON.stringify(template);
  const extras = (route.extras?.(world) ?? []).map(
    (extra): BadRequest => ({ label: extra.label, stage: 'handler', status: extra.status, headers: JSON_TYPE, body: JSON.stringify(extra.body) }),
  );
  return [
    ...unparseable(valid),
    ...wrongDocuments(valid),
    ...extraKeys(valid, Object.keys(template)[0]!),
    ...brokenFields(route, template),
    ...extras,
  ];
}
