// One name and one colour per outcome, the same in every chart of the report: a 202 is orange
// wherever it appears, a SOLD_OUT refusal red, a worker's confirmation green.
import type { Decision } from './records';

const PALETTE: Array<[RegExp, string]> = [
  [/^201$/, '#4c78a8'], // v1: bought
  [/^202$/, '#f58518'], // v2: accepted, queued for a worker
  [/^worker: confirmed$/, '#54a24b'],
  [/^409 SOLD_OUT$/, '#e45756'],
  [/^worker: failed SOLD_OUT$/, '#ff9da6'],
  [/^409 /, '#b279a2'], // other refusals at once: LIMIT_EXCEEDED, SALE_ENDED, ...
  [/^worker: failed/, '#9d755d'],
  [/^(5\d\d|error)/, '#222222'], // server errors, no answer
];
const OTHER = '#bab0ac';

/** The label of a v2 worker's decision in the charts. */
export const workerLabel = (decision: Decision): string => `worker: ${decision.status}${decision.code ? ` ${decision.code}` : ''}`;

const rank = (label: string): number => {
  const index = PALETTE.findIndex(([pattern]) => pattern.test(label));
  return index === -1 ? PALETTE.length : index;
};

/** A Vega-Lite colour scale for these labels: fixed colours, the legend in a fixed order. */
export function colourScale(labels: string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(labels)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { domain, range: domain.map((label) => PALETTE[rank(label)]?.[1] ?? OTHER) };
}

/** Each version's line in the running totals, in the colour of its own success. */
export const VERSION_COLOURS: Record<string, string | undefined> = { v1: colourScale(['201']).range[0], v2: colourScale(['worker: confirmed']).range[0], 'v2 accepted (202)': colourScale(['202']).range[0] };

