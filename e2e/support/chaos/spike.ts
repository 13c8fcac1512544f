import { sleep } from './host-processes';

/** One purchase a careful client makes: its own Idempotency-Key, the same key again after any 5xx. */
export interface PlannedPurchase {
  token: string;
  userId: string;
  key: string;
}

export interface Answer {
  status: number;
  code?: string;
  requestId?: string;
  orderId?: string;
  retryAfter?: string;
  /** How long the answer took (ms). */
  tookMs?: number;
}

export interface PurchaseRun extends PlannedPurchase {
  answers: Answer[];
  /** The first answer below 500; undefined if the client gave up. */
  final?: Answer;
}

export interface SpikeOptions {
  /** API instances, used in turn (a retry goes to the next one, as behind a balancer). */
  urls: string[];
  path: string;
  purchases: PlannedPurchase[];
  concurrency: number;
  /** A client retries for this long, then gives up (reported, never expected). */
  giveUpAfterMs: number;
  /** Called after each purchase's final answer. */
  onFinal?(run: PurchaseRun): void;
}

/** No HTTP answer at all: refused, reset, or none within the client's patience. */
export const NETWORK_FAILURE = 599;
/** Far beyond any bound the system sets itself (a statement times out after ~6 s): waiting longer means a hang. */
const CLIENT_PATIENCE_MS = 60_000;

async function send(url: string, path: string, purchase: PlannedPurchase): Promise<Answer> {
  const started = Date.now();
  try {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${purchase.token}`, 'content-type': 'application/json', 'idempotency-key': purchase.key },
      body: JSON.stringify({ quantity: 1 }),
      signal: AbortSignal.timeout(CLIENT_PATIENCE_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { requestId?: string; order?: { id: string }; error?: { code: string } };
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { status: response.status, code: body.error?.code, requestId: body.requestId, orderId: body.order?.id, retryAfter, tookMs: Date.now() - started };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    return { status: NETWORK_FAILURE, code: cause ?? (error as Error).name, tookMs: Date.now() - started };
  }
}

/** Every purchase, `concurrency` at a time; resolves when each has a final answer or gave up. */
export async function runSpike(options: SpikeOptions): Promise<PurchaseRun[]> {
  const runs: PurchaseRun[] = options.purchases.map((purchase) => ({ ...purchase, answers: [] }));
  let next = 0;
  let turn = 0;
  const client = async () => {
    while (next < runs.length) {
      const run = runs[next++]!;
      const giveUpAt = Date.now() + options.giveUpAfterMs;
      for (let attempt = 0; Date.now() < giveUpAt; attempt += 1) {
        const answer = await send(options.urls[turn++ % options.urls.length]!, options.path, run);
        run.answers.push(answer);
        if (answer.status < 500) {
          run.final = answer;
          break;
        }
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
      options.onFinal?.(run);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return runs;
}

/** The same purchase once more, after everything: an identical retry must get the same answer. */
export const resend = (url: string, path: string, purchase: PlannedPurchase): Promise<Answer> => send(url, path, purchase);
