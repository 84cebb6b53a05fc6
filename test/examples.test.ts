import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { pdfPages } from './helpers/pdf.js';

// Every report under examples/ renders to PDF and HTML with no failed chart or table, no warning
// but the ones listed here, and a sane number of pages. The reports on vega-datasets read their
// data in place from node_modules (a dev dependency), never from a copy.

const EXAMPLES = resolve('examples');
const VEGA_DATA = resolve('node_modules/vega-datasets/data') + sep;

interface Expectation {
  /** Param sets to render besides the defaults (each one also takes the `when` branches). */
  readonly variants: readonly Record<string, string>[];
  /** Warnings the data explains, as `code path`; any other warning fails the test. */
  readonly warnings: readonly string[];
  /** Whether the report reads its data from the vega-datasets package. */
  readonly vega: boolean;
}

const expected: Record<string, Expectation> = {
  sales: { variants: [{ region: 'EMEA', detail: 'false' }], warnings: [], vega: false },
  cars: {
    variants: [{ origin: 'Japan', appendix: 'false' }],
    // Eight cars have no miles per gallon and six no horsepower: the averages table says so.
    warnings: [
      'CP_WARN_INVALID_VALUES body[4].table.data.aggregate.mpg',
      'CP_WARN_INVALID_VALUES body[4].table.data.aggregate.hp',
    ],
    vega: true,
  },
  stocks: { variants: [{ symbol: 'AAPL', log: 'true' }], warnings: [], vega: true },
  flights: { variants: [{ airport: 'ORD' }], warnings: [], vega: true },
  showcase: { variants: [{ region: 'APAC' }], warnings: [], vega: false },
};

const folders = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES, d.name, 'report.yaml')))
  .map((d) => d.name)
  .sort();

const runs = folders.flatMap((name) => [
  { name, params: {} as Record<string, string> },
  ...(expected[name]?.variants ?? []).map((params) => ({ name, params })),
]);

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

describe('examples', () => {
  it('lists every example folder, and the vega-datasets ones exist', () => {
    expect(folders).toEqual(Object.keys(expected).sort());
    expect(folders).toEqual(expect.arrayContaining(['cars', 'flights', 'stocks']));
  });

  it.each(runs)('$name $params renders to PDF and HTML with no failure', async ({ name, params }) => {
    const file = join(EXAMPLES, name, 'report.yaml');
    const want = expected[name];
    const pdf = await engine.render(file, { format: 'pdf', params });
    const html = await engine.render(file, { format: 'html', params });

    for (const result of [pdf, html]) {
      expect(result.problems).toEqual([]);
      expect(result.stats.charts.failed).toBe(0);
      expect(result.charts.filter((c) => c.status === 'rendered').length).toBeGreaterThan(2);
      expect(result.warnings.map((w) => `${w.code} ${w.path}`).sort()).toEqual(
        [...(want?.warnings ?? [])].sort(),
      );
    }
    if (want?.vega) {
      // The data is read from the package, not from a copy next to the report.
      expect(pdf.inputs.some((p) => p.startsWith(VEGA_DATA))).toBe(true);
      expect(pdf.inputs.filter((p) => p.endsWith('.json') || p.endsWith('.csv'))).toEqual(
        pdf.inputs.filter((p) => p.startsWith(VEGA_DATA)),
      );
    }

    const pages = await pdfPages(pdf.output as Uint8Array);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(6);
    expect(pages.every((text) => text.trim().length > 0)).toBe(true);
    expect(typeof html.output === 'string' && html.output.includes('<svg')).toBe(true);
  });
});
