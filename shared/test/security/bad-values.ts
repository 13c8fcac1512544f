import type { FieldKind } from './routes';

/** A malformed value as raw JSON text, so values JSON.stringify cannot write (1e309) can be sent. */
export interface BadValue {
  label: string;
  json: string;
}

const v = (label: string, value: unknown): BadValue => ({ label, json: JSON.stringify(value) });
const raw = (label: string, json: string): BadValue => ({ label, json });

const UUID = '3f0e9c1a-7b2d-4c5e-9f80-1a2b3c4d5e6f';

export const nestedObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
export const nestedArray = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Wrong in shape for every kind of field. */
const wrongShapes: BadValue[] = [
  v('empty array', []),
  v('empty object', {}),
  v('operator object', { $gt: '' }),
  v('array of strings', ['a', 'b']),
  raw('nested 40 deep', nestedObject(40)),
  raw('__proto__ object', '{"__proto__":{"admin":true}}'),
  raw('constructor object', '{"constructor":{"prototype":{"admin":true}}}'),
];

const nullValue = v('null', null);
const trueValue = v('true', true);

const numberLike: BadValue[] = [
  v('numeric string', '1'),
  v('empty string', ''),
  v('"NaN"', 'NaN'),
  v('"Infinity"', 'Infinity'),
  v('"1e309" string', '1e309'),
  v('hex string', '0x10'),
  v('arabic-indic digit', '\u0663'),
  raw('1e309 (overflows to Infinity)', '1e309'),
  raw('-1e309', '-1e309'),
  v('-1', -1),
  raw('beyond 2^53', '9007199254740993'),
  raw('1e21', '1e21'),
  raw('1e400', '1e400'),
];

const integerLike: BadValue[] = [
  ...numberLike,
  v('fraction', 1.5),
  raw('almost one', '0.9999999'),
  raw('above int4', '2147483648'),
  raw('below int4', '-2147483649'),
];

const VALUES: Record<FieldKind, BadValue[]> = {
  positive: [...integerLike, v('zero', 0), raw('negative zero', '-0'), raw('tiny', '5e-324')],
  count: integerLike,
  money: [
    ...numberLike,
    v('three decimals', 1.005),
    v('a tenth of a cent', 0.001),
    v('one cent below zero', -0.01),
    v('above the maximum', 100_000_000),
    v('price as string', '9.99'),
  ],
  name: [
    v('number', 42),
    v('empty', ''),
    v('blank', '   '),
    v('ideographic spaces only', '\u3000\u3000'),
    v('too long', 'x'.repeat(201)),
    v('very long', 'x'.repeat(10_000)),
    v('NUL character', 'a\u0000b'),
  ],
  text: [
    v('number', 42),
    v('empty', ''),
    v('blank', '   '),
    v('too long', 'x'.repeat(1_001)),
    v('very long', 'x'.repeat(10_000)),
    v('NUL character', 'a\u0000b'),
  ],
  level: [v('unknown level', 'debug'), v('upper case', 'INFO'), v('empty', ''), v('number', 1)],
  role: [v('unknown role', 'superuser'), v('upper case', 'ADMIN'), v('empty', ''), v('number', 1), v('array', ['admin']), v('null', null)],
  email: [
    v('number', 42),
    v('empty', ''),
    v('no at sign', 'not-an-email'),
    v('no domain', 'a@'),
    v('no local part', '@example.test'),
    v('space inside', 'a b@example.test'),
    v('over 254 characters', `${'x'.repeat(250)}@example.test`),
    v('NUL character', 'a@example.test\u0000'),
    v('markup', '<script>alert(1)</script>@example.test'),
    v('SQL', "' OR '1'='1"),
    v('two addresses', 'a@example.test, b@example.test'),
    v('lone surrogate', 'a\ud800@example.test'),
  ],
  password: [
    v('number', 12345678),
    v('empty', ''),
    v('too short', 'short'),
    v('73 bytes', 'x'.repeat(73)),
    v('76 bytes in 38 UTF-16 units', '\u{1F600}'.repeat(19)),
    v('very long', 'x'.repeat(10_000)),
  ],
  loginPassword: [v('number', 12345678), v('empty', ''), v('over 1024 characters', 'x'.repeat(1025))],
  uuid: [
    v('number', 42),
    v('empty', ''),
    v('word', 'not-a-uuid'),
    v('digit', '1'),
    v('bad hex digit', '00000000-0000-0000-0000-00000000000g'),
    v('braced', `{${UUID}}`),
    v('no dashes', UUID.replaceAll('-', '')),
    v('leading space', ` ${UUID}`),
    v('path traversal', '../../etc/passwd'),
    v('SQL suffix', `${UUID}' OR '1'='1`),
    v('very long', 'x'.repeat(10_000)),
  ],
  instant: [
    v('epoch milliseconds', 1_700_000_000_000),
    v('empty', ''),
    v('word', 'yesterday'),
    v('month 13', '2024-13-01T00:00:00Z'),
    v('February 30', '2024-02-30T00:00:00Z'),
    v('hour 25', '2024-01-01T25:00:00Z'),
    v('date only', '2024-01-01'),
    v('extended year', '+275760-09-13T00:00:00.000Z'),
    v('"1e309"', '1e309'),
    v('SQL suffix', '2030-01-01T00:00:00Z; DROP TABLE orders'),
  ],
  flag: [v('"true"', 'true'), v('"false"', 'false'), v('one', 1), v('zero', 0), v('"yes"', 'yes')],
  imageUrl: [
    v('number', 42),
    v('empty', ''),
    v('javascript URL', 'javascript:alert(1)'),
    v('ftp URL', 'ftp://example.test/a.png'),
    v('file URL', 'file:///etc/passwd'),
    v('data URL', 'data:image/png;base64,AAAA'),
    v('not a URL', 'not a url'),
    v('over 2048 characters', `https://${'a'.repeat(2100)}.test/a.png`),
  ],
};

/** Every malformed value for a field of `kind`: its own table plus wrong shapes (null and true where invalid). */
export function badValuesFor(kind: FieldKind): BadValue[] {
  const shapes = [...wrongShapes];
  if (kind !== 'imageUrl') shapes.push(nullValue);
  else shapes.push(trueValue);
  if (kind !== 'flag' && kind !== 'imageUrl') shapes.push(trueValue);
  return [...VALUES[kind], ...shapes];
}
