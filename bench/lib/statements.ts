// The two purchase shapes under comparison, as SQL for node-postgres and as pgbench scripts.
import fs from 'node:fs';
import path from 'node:path';
import { PURCHASE_SQL } from '@flashfast/shared/purchases/place-purchase';
import { ROOT } from '../../scripts/lib/entry-points';
import { USER_NUMBER_BASE, userUuidSql } from './database';

const MULTI_SQL_FILE = path.join(ROOT, 'bench/sql/purchase-multi.sql');

/** A statement's text and how to order its named values as positional parameters. */
export interface Positional {
  text: string;
  bind(values: Record<string, unknown>): unknown[];
}

const stripComments = (sql: string): string =>
  sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim();

/** v1's statement, as production reads it (never a copy). */
export const purchaseSql = (): string => stripComments(PURCHASE_SQL);

/** The `-- name: x` blocks of purchase-multi.sql, comments removed. */
export function multiStatementSql(): Record<string, string> {
  const parts = fs.readFileSync(MULTI_SQL_FILE, 'utf8').split(/^-- name: (\w+)\s*$/m);
  const statements: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) statements[parts[i]!] = stripComments(parts[i + 1]!);
  return statements;
}

/** `:name` placeholders to `$n` (a name used twice is one parameter); `bind` orders the values. */
export function toPositional(sql: string): Positional {
  const names: string[] = [];
  const text = sql.replace(/(?<!:):([a-z_]+)/g, (_match, name: string) => {
    const index = names.includes(name) ? names.indexOf(name) : names.push(name) - 1;
    return `$${index + 1}`;
  });
  const bind = (values: Record<string, unknown>): unknown[] =>
    names.map((name) => {
      if (!(name in values)) throw new Error(`no value for :${name}`);
      return values[name];
    });
  return { text, bind };
}

// pgbench picks a random seeded user per transaction; -D sets event_id and quantity.
const pickUser = (users: number): string => `\\set user_number ${USER_NUMBER_BASE} + random(1, ${users})`;
const PGBENCH_USER = userUuidSql(':user_number');

/** purchase.sql with $1 event, $2 user, $3 quantity, $4 idempotency key (NULL) as pgbench variables. */
export function singleStatementScript(users: number): string {
  const values: Record<string, string> = { 1: ':event_id', 2: PGBENCH_USER, 3: ':quantity', 4: 'NULL' };
  const body = purchaseSql().replace(/\$(\d+)(?!\d)/g, (match, n: string) => {
    if (!values[n]) throw new Error(`purchase.sql uses ${match}; the bench knows only $1..$4`);
    return values[n];
  });
  return `${pickUser(users)}\n${body};\n`;
}

/** The multi-statement transaction, refusals skipping the writes with \if like the code would. */
export function multiStatementScript(users: number): string {
  const statements = multiStatementSql();
  const sql = (name: string): string => statements[name]!.replaceAll(':user_id', PGBENCH_USER);
  return [
    pickUser(users),
    'BEGIN;',
    `${sql('lockSale')} \\gset`,
    '\\if :sale_ok',
    `${sql('takeQuota')} \\gset`,
    '\\if :quota_ok',
    `${sql('takeStock')} \\gset`,
    `${sql('placeOrder')};`,
    '\\endif',
    '\\endif',
    'COMMIT;',
    '',
  ].join('\n');
}

/**
 * The naive ceiling of one purchase per commit: one guarded UPDATE of the sale's row and one
 * INSERT of the order, as one statement (one round trip; the lock is held only as long as the
 * statement and its commit). No quota, no key: less work than any real purchase.
 */
export function naiveScript(users: number): string {
  return [
    pickUser(users),
    `WITH sold AS (
  UPDATE flash_sale_events SET available_stock = available_stock - :quantity, sold_quantity = sold_quantity + :quantity
  WHERE id = :event_id AND available_stock >= :quantity
  RETURNING id, product_id, sale_price
)
INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price)
SELECT ${PGBENCH_USER}, product_id, id, :quantity, sale_price, sale_price * :quantity FROM sold;`,
    '',
  ].join('\n');
}

