import { visitBlocks } from './blocks.js';
import type { Query, Report } from './schema.js';

/**
 * Gives every query of the report the report's `timezone` where it sets none: each groupBy item
 * with a time `bucket` and no `timezone` of its own, and the query's own `timezone` (that the
 * date functions of `calculate` read) when it calculates fields. The queries then say their zone
 * themselves, so every engine (the JS scan and SQL push-down alike), chart key and kept frame
 * sees it. The report is changed in place (a validated report is the schema's own copy); without
 * a report `timezone`, nothing changes.
 */
export function applyReportTimezone(report: Report): void {
  const zone = report.timezone;
  if (zone === undefined) return;
  const zoned = (query: Query) => {
    if (query.calculate !== undefined) query.timezone ??= zone;
    query.groupBy?.forEach((item, i) => {
      if (typeof item !== 'string' && item.bucket !== undefined && item.timezone === undefined)
        query.groupBy![i] = { ...item, timezone: zone };
    });
  };
  for (const chart of Object.values(report.charts)) zoned(chart.data);
  for (const query of Object.values(report.values ?? {})) zoned(query);
  visitBlocks(report.body, 'body', {
    chart: (b) => {
      if (typeof b.chart !== 'string') zoned(b.chart.data);
      return undefined;
    },
    table: (b) => {
      zoned(b.table.data);
      for (const c of b.table.columns ?? []) {
        const from = typeof c === 'string' ? undefined : c.sparkline?.from;
        if (typeof from === 'object') zoned(from);
      }
      return undefined;
    },
  });
}
