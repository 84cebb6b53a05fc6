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
 * Whole percentages of `parts` that add up to 100 (largest remainders get the rounding), or
 * undefined when there is nothing to share.
 */
export function percentShares(parts: readonly number[]): number[] | undefined {
  const sum = parts.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return undefined;
  const exact = parts.map((x) => (100 * x) / sum);
  const shares = exact.map(Math.floor);
  let left = 100 - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}

/**
 * The `--timings` table: time per phase with its share of the report and a word on what it did,
 * the one-off imports of renderer modules, then the slowest charts. Phases are the time each
 * added to the reports (`phaseMs`, the `ms` of `--stats json`: they add up to the total, and so do
 * their shares); without a report rendered, the time of the phases as traced (they may overlap),
 * or else of the dataset scans and document steps, stands in.
 */
export function formatTimings(s: MonitorSnapshot): string {
  const added = s.phaseMs.total > 0 ? s.phaseMs : undefined;
  const traced = s.phases.report.count > 0;
  const data = added?.data ?? (traced ? s.phases.data.totalMs : s.latency.data.totalMs);
  const charts = added?.charts ?? (traced ? s.phases.charts.totalMs : undefined);
  const document =
    added?.document ??
    (traced ? s.phases.document.totalMs : s.latency.compile.totalMs + s.latency.write.totalMs);
  const total = added?.total ?? (traced ? s.phases.report.totalMs : undefined);
  const shares = added ? percentShares([data, charts ?? 0, document]) : undefined;
  const share = (i: number, x: number | undefined) => {
    if (shares) return `${shares[i]}%`;
    return x === undefined || !total ? '' : pct(x / total);
  };
  const c = s.charts;
  const render = s.latency.render;
  const queue = s.latency.queueWait;
  const rows: string[][] = [
    ['phase', 'ms', 'share', ''],
    [
      'data',
      ms(data),
      share(0, data),
      `${s.data.scans} scans, ${count(s.data.rows)} rows (${count(s.data.rowsPerSecond)} rows/s)`,
    ],
    [
      'charts',
      charts === undefined ? '-' : ms(charts),
      share(1, charts),
      `${c.total} charts: ${c.rendered} rendered, ${c.cached} cached, ${c.failed} failed, ` +
        `${c.timedOut} timed out, ${c.skipped} skipped` +
        (render.count > 0 ? `; render p50 ${ms(render.p50Ms)} ms, p95 ${ms(render.p95Ms)} ms` : '') +
        (queue.count > 0 ? `; queue wait p50 ${ms(queue.p50Ms)} ms` : ''),
    ],
    [
      'document',
      ms(document),
      share(2, document),
      s.latency.compile.count > 0 ? `Typst compile ${ms(s.latency.compile.totalMs)} ms` : '',
    ],
  ];
  if (total !== undefined) rows.push(['total', ms(total), shares ? '100%' : '', '']);
  // One-offs: within the phases above, and in no chart's time.
  for (const [module, t] of Object.entries(s.pool.imports)) {
    const what = module === 'echarts' ? 'ECharts import' : `import ${module}`;
    rows.push([what, ms(t), '', "once per process, within the phases above; in no chart's time"]);
  }
  if (s.pool.startMs !== null)
    rows.push(['worker start', ms(s.pool.startMs), '', 'each worker imports ECharts as it starts']);
  const out = table('lrrl', rows);
  // Charts render while later datasets are still read: traced phases may add up to more than the total.
  if (!added && total !== undefined && charts !== undefined && data + charts + document > total * 1.01)
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
