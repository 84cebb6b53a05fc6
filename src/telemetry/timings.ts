import type { MonitorSnapshot } from './snapshot.js';

const ms = (x: number) => x.toFixed(1);
const pct = (x: number) => `${Math.round(100 * x)}%`;
const count = (n: number) => n.toLocaleString('en-US');

/** Lays out rows of cells, each column aligned as `align` says (`l`eft or `r`ight). */
function table(align: string, rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows.map((row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The `--timings` table: time per phase with its share of the report and a word on what it did,
 * then the slowest charts. Phases come from the report events (they may overlap); without them,
 * the time of the dataset scans and document steps stands in.
 */
export function formatTimings(s: MonitorSnapshot): string {
  const traced = s.phases.report.count > 0;
  const data = traced ? s.phases.data.totalMs : s.latency.data.totalMs;
  const charts = traced ? s.phases.charts.totalMs : undefined;
  const document = traced ? s.phases.document.totalMs : s.latency.compile.totalMs + s.latency.write.totalMs;
  const total = traced ? s.phases.report.totalMs : undefined;
  const share = (x: number | undefined) => (x === undefined || !total ? '' : pct(x / total));
  const c = s.charts;
  const render = s.latency.render;
  const queue = s.latency.queueWait;
  const rows: string[][] = [
    ['phase', 'ms', 'share', ''],
    [
      'data',
      ms(data),
      share(data),
      `${s.data.scans} scans, ${count(s.data.rows)} rows (${count(s.data.rowsPerSecond)} rows/s)`,
    ],
    [
      'charts',
      charts === undefined ? '-' : ms(charts),
      share(charts),
      `${c.total} charts: ${c.rendered} rendered, ${c.cached} cached, ${c.failed} failed, ` +
        `${c.timedOut} timed out, ${c.skipped} skipped` +
        (render.count > 0 ? `; render p50 ${ms(render.p50Ms)} ms, p95 ${ms(render.p95Ms)} ms` : '') +
        (queue.count > 0 ? `; queue wait p50 ${ms(queue.p50Ms)} ms` : ''),
    ],
    [
      'document',
      ms(document),
      share(document),
      s.latency.compile.count > 0 ? `Typst compile ${ms(s.latency.compile.totalMs)} ms` : '',
    ],
  ];
  if (total !== undefined) rows.push(['total', ms(total), '', '']);
  const out = table('lrrl', rows);
  // Charts render while later datasets are still read: the phases may add up to more than the total.
  if (total !== undefined && charts !== undefined && data + charts + document > total * 1.01)
    out.push('(phases overlap: charts render while later datasets are read)');
  if (s.slowest.length > 0) {
    out.push('');
    out.push(
      ...table('llrl', [
        ['slowest charts', 'type', 'ms', 'status'],
        ...s.slowest.map((x) => [x.id, x.type, ms(x.ms), x.status]),
      ]),
    );
  }
  return out.join('\n');
}
