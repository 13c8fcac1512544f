// Figures a server keeps about itself, read from its Prometheus /metrics.
const { setTimeout: sleep } = require('node:timers/promises');

const { fetch } = globalThis;

const metric = (text, name) => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
};

async function scrape(url) {
  let text = '';
  for (let tries = 0; tries < 3 && !text; tries += 1) {
    text = await fetch(`${url}/metrics`).then((response) => response.text()).catch(() => '');
    if (!text) await sleep(200);
  }
  return text;
}

const sumOf = (text, name) =>
  [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);

/** Purchases a server refused from its sold-out memory (flashfast_purchases_refused_in_process_total), since `since`. */
async function refusedInProcess(url, since = 0) {
  return sumOf(await scrape(url), 'flashfast_purchases_refused_in_process_total') - since;
}

/**
 * v1's purchase batches (flashfast_purchase_batch_size): with `since` (an earlier reading), the
 * batches between the two readings and their average size.
 */
async function batchSizes(url, since) {
  const text = await scrape(url);
  const now = { purchases: metric(text, 'flashfast_purchase_batch_size_sum'), batches: metric(text, 'flashfast_purchase_batch_size_count') };
  if (!since) return now;
  const purchases = now.purchases - since.purchases;
  const batches = now.batches - since.batches;
  return { purchases, batches, average: batches > 0 ? purchases / batches : null };
}

module.exports = { batchSizes, refusedInProcess };
