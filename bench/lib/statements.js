// The two purchase shapes under comparison, as SQL for node-postgres and as pgbench scripts.
const fs = require('node:fs');
const path = require('node:path');
const { USER_NUMBER_BASE, userUuidSql } = require('./database');

const ROOT = path.resolve(__dirname, '../..');
/** v1's statement, read from the file production reads (never a copy). */
const PURCHASE_SQL_FILE = path.join(ROOT, 'shared/src/purchases/purchase.sql');
const MULTI_SQL_FILE = path.join(ROOT, 'bench/sql/purchase-multi.sql');

const stripComments = (sql) =>
  sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim();

const purchaseSql = () => stripComments(fs.readFileSync(PURCHASE_SQL_FILE, 'utf8'));

/** The `-- name: x` blocks of purchase-multi.sql, comments removed. */
function multiStatementSql() {
  const parts = fs.readFileSync(MULTI_SQL_FILE, 'utf8').split(/^-- name: (\w+)\s*$/m);
  const statements = {};
  for (let i = 1; i < parts.length; i += 2) statements[parts[i]] = stripComments(parts[i + 1]);
  return statements;
}

/** `:name` placeholders to `$n` (a name used twice is one parameter); `bind` orders the values. */
function toPositional(sql) {
  const names = [];
  const text = sql.replace(/(?<!:):([a-z_]+)/g, (_match, name) => {
    const index = names.includes(name) ? names.indexOf(name) : names.push(name) - 1;
    return `$${index + 1}`;
  });
  const bind = (values) =>
    names.map((name) => {
      if (!(name in values)) throw new Error(`no value for :${name}`);
      return values[name];
    });
  return { text, bind };
}

// pgbench picks a random seeded user per transaction; -D sets event_id and quantity.
const pickUser = (users) => `\\set user_number ${USER_NUMBER_BASE} + random(1, ${users})`;
const PGBENCH_USER = userUuidSql(':user_number');

/** purchase.sql with $1 event, $2 user, $3 quantity, $4 idempotency key (NULL) as pgbench variables. */
function singleStatementScript(users) {
  const values = { 1: ':event_id', 2: PGBENCH_USER, 3: ':quantity', 4: 'NULL' };
  const body = purchaseSql().replace(/\$(\d+)(?!\d)/g, (match, n) => {
    if (!values[n]) throw new Error(`purchase.sql uses ${match}; the bench knows only $1..$4`);
    return values[n];
  });
  return `${pickUser(users)}\n${body};\n`;
}

/** The multi-statement transaction, refusals skipping the writes with \if like the code would. */
function multiStatementScript(users) {
  const statements = multiStatementSql();
  const sql = (name) => statements[name].replaceAll(':user_id', PGBENCH_USER);
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
function naiveScript(users) {
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

module.exports = { purchaseSql, multiStatementSql, toPositional, singleStatementScript, multiStatementScript, naiveScript };
