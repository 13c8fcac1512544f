// Figures a server keeps about itself, read from its Prometheus /metrics.
import { setTimeout as sleep } from 'node:timers/promises';

const metric = (text: string, name: string): number => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
};

async function scrape(url: string): Promise<string> {
  let text = '';
  for (let tries = 0; tries < 3 && !text; tries += 1) {
    text = await fetch(`${url}/metrics`).then((response) => response.text()).catch(() => '');
    if (!text) await sleep(200);
  }
  return text;
}

const sumOf = (text: string, name: string): number =>
  [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);

/** Purchases a server refused from its sold-out memory (flashfast_purchases_refused_in_process_total), since `since`. */
export async function refusedInProcess(url: string, since = 0): Promise<number> {
  return sumOf(await scrape(url), 'flashfast_purchases_refused_in_process_total') - since;
}

/**
 * v1's purchase batches (flashfast_purchase_batch_size): with `since` (an earlier reading), the
 * batches between the two readings and their average size.
 */
export interface BatchSizes {
  purchases: number;
  batches: number;
  average?: number | null;
}

export async function batchSizes(url: string, since?: BatchSizes): Promise<BatchSizes> {
  const text = await scrape(url);
  const now = { purchases: metric(text, 'flashfast_purchase_batch_size_sum'), batches: metric(text, 'flashfast_purchase_batch_size_count') };
  if (!since) return now;
  const purchases = now.purchases - since.purchases;
  const batches = now.batches - since.batches;
  return { purchases, batches, average: batches > 0 ? purchases / batches : null };
}

