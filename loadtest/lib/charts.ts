// PNG charts: Vega-Lite specs compiled and rendered to SVG headlessly by Vega, then to PNG by resvg.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { colourScale, VERSION_COLOURS } from './outcomes';
import type { CdfRow, CumulativeRow, ThroughputRows } from './chart-data';

/** A Vega-Lite specification, without the config every chart shares. */
type Spec = Record<string, unknown>;

export interface ChartData {
  throughput: ThroughputRows;
  latencyCdf: CdfRow[];
  cumulative: CumulativeRow[];
}

const FONT = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
const CONFIG = { font: FONT, view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 320 } };

export function throughputSpec({ rows, stepMs, windowMs }: ThroughputRows): Spec {
  return {
    title: { text: 'Throughput over time', subtitle: `answers and worker decisions per second over the last ${windowMs / 1000} s, every ${stepMs} ms; time since the first request` },
    data: { values: rows },
    facet: { column: { field: 'target', type: 'nominal', title: null, header: { labelFontSize: 14, labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'shared', x: 'shared' } },
    spec: {
      width: 420,
      height: 260,
      mark: { type: 'line', strokeWidth: 1.6 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the first request' },
        y: { field: 'perSecond', type: 'quantitative', title: 'per second' },
        color: { field: 'series', type: 'nominal', title: null, scale: colourScale(rows.map((row) => row.series)) },
      },
    },
  };
}

export function latencySpec(rows: CdfRow[]): Spec {
  return {
    title: { text: 'Latency distribution of the HTTP answers', subtitle: 'share of answers at or under a latency (log scale), per outcome' },
    data: { values: rows },
    facet: { column: { field: 'target', type: 'nominal', title: null, header: { labelFontSize: 14, labelFontWeight: 'bold' } } },
    resolve: { scale: { color: 'shared' } },
    spec: {
      width: 420,
      height: 260,
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        y: { field: 'fraction', type: 'quantitative', title: 'share of answers', axis: { format: '%' } },
        color: { field: 'outcome', type: 'nominal', title: null, scale: colourScale(rows.map((row) => row.outcome)) },
      },
    },
  };
}

export function cumulativeSpec(rows: CumulativeRow[]): Spec {
  return {
    title: { text: 'Decisions over time, v1 and v2 on the same axes', subtitle: 'running totals since the first request of each version' },
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: ['buyers with a final outcome', 'units sold'], header: { labelFontSize: 14, labelFontWeight: 'bold' } } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 420,
      height: 260,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the first request' },
        y: { field: 'count', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: Object.keys(VERSION_COLOURS), range: Object.values(VERSION_COLOURS) } },
      },
    },
  };
}

async function toPng(spec: Spec): Promise<Buffer> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, background: 'white', ...spec };
  const compiled = vegaLite.compile(full as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT } });
  return resvg.render().asPng();
}

/** Writes throughput.png, latency.png and decisions.png into `dir`; returns their paths. */
export async function writeCharts(chartData: ChartData, dir: string): Promise<string[]> {
  const charts = {
    'throughput.png': throughputSpec(chartData.throughput),
    'latency.png': latencySpec(chartData.latencyCdf),
    'decisions.png': cumulativeSpec(chartData.cumulative),
  };
  const files: string[] = [];
  for (const [name, spec] of Object.entries(charts)) {
    const file = path.join(dir, name);
    await fs.writeFile(file, await toPng(spec));
    files.push(file);
  }
  return files;
}

