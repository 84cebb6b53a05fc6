// chartpress as a library (the built package): `engine.chart(file, { data })` with no cache and
// every chart drawn in this thread (`pool.threads: 1`), so each call reads the CSV and renders.
import { distImport } from './child.mjs';

const { createEngine } = await distImport('index.js');
const engine = createEngine({ cache: false, pool: { threads: 1 } });

/** One chart file with its CSV to SVG, through the public API. */
export async function draw({ yaml, csv }) {
  const { svg, chart } = await engine.chart(yaml, { data: csv });
  if (chart.error) throw new Error(`${chart.id}: ${chart.error.message}`);
  return svg;
}

export const close = () => engine.close();
