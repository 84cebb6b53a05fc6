import type { Row } from '../../src/frame.js';
import { frameFromRows } from '../../src/frame.js';
import type { NormalizedChart, ResolvedOptions } from '../../src/spec/defaults.js';
import { chartDefaults } from '../../src/spec/defaults.js';
import type { ChartType, Encode } from '../../src/spec/schema.js';

export type ChartOf<T extends ChartType> = Extract<NormalizedChart, { type: T }>;

/** A normalized chart of `type`: the type's defaults overridden by `options`. */
export function makeChart<T extends ChartType>(
  type: T,
  encode: Encode,
  options: Partial<ResolvedOptions<T>> = {},
  extra: { id?: string; title?: string } = {},
): ChartOf<T> {
  const chart = {
    id: extra.id ?? 'test',
    type,
    title: extra.title,
    query: { from: 'data' },
    encode,
    options: { ...chartDefaults[type], ...options },
  };
  return chart as unknown as ChartOf<T>;
}

const MONTHS = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01'];
const REGIONS = ['EMEA', 'Americas', 'APAC'];

/** Monthly revenue by region, sorted by month: 6 months x 3 regions. */
export function revenueRows(months = MONTHS, regions = REGIONS): Row[] {
  const rows: Row[] = [];
  months.forEach((month, m) => {
    regions.forEach((region, r) => {
      rows.push({ month, region, revenue: 100_000 + 25_000 * r + 7_500 * m + ((m * 7 + r * 3) % 5) * 4_000 });
    });
  });
  return rows;
}

export const revenueFrame = () => frameFromRows(revenueRows());

/** `n` occurrences of `pattern` in `text`. */
export function count(text: string, pattern: RegExp): number {
  return [
    ...text.matchAll(
      new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
    ),
  ].length;
}

/** The text content of every `<text>` element, unescaped. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

/** Every `<path>` element's attributes. */
function paths(svg: string): string[] {
  return [...svg.matchAll(/<path\b([^>]*)>/g)].map((m) => m[1] ?? '');
}

/** Shapes filled with `color` and drawn in place (bars, slices, areas), not legend icons or symbols. */
export function filled(svg: string, color: string): string[] {
  return paths(svg).filter((p) => p.includes(`fill="${color}"`) && !p.includes('transform='));
}

/** Unfilled lines stroked with `color` (series lines). */
export function stroked(svg: string, color: string): string[] {
  return paths(svg).filter((p) => p.includes(`stroke="${color}"`) && p.includes('fill="none"'));
}

/** Point symbols (circles placed by a matrix transform) filled with `color`. */
export function symbols(svg: string, color: string): string[] {
  return paths(svg).filter((p) => p.includes(`fill="${color}"`) && p.includes('transform="matrix('));
}
