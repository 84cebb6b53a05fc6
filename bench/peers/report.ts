/**
 * The example report through the CLI: PDF cold (empty cache folder) and warm (every chart
 * cached), and its HTML printed to PDF by headless Chromium against chartpress's own PDF path.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '../stats.js';
import { baselineCli } from './baseline.js';
import {
  childResult,
  cli,
  fmtKB,
  fmtMs,
  fmtRatio,
  type GoalDef,
  goal,
  root,
  Samples,
  table,
  timeProcess,
} from './harness.js';

export const reportGoals = [
  { label: 'report: PDF by the CLI, cold / warm', cmp: 'ge', target: 3 },
  { label: 'report: PDF cold, baseline / now (BENCH_BASELINE)', cmp: 'ge', target: 2 },
] as const satisfies readonly GoalDef[];

const example = join(root, 'examples/sales/report.yaml');
/** Chromium, when installed: `CHROMIUM` or Debian's `/usr/bin/chromium`. */
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

interface Stats {
  readonly charts: { readonly rendered: number; readonly cached: number };
}

export function reportSection(dir: string, rounds: number): void {
  const warmCache = join(dir, 'cache-warm');
  const before = baselineCli();
  // The baseline renders the example as it was at its revision (the report format has grown
  // since); this build renders that same file for the comparison.
  const beforeExample = before && join(before.dir, 'examples/sales/report.yaml');
  /** Which CLI renders which report, with what more on its command line. */
  interface How {
    readonly program?: string;
    readonly report?: string;
    readonly extra?: readonly string[];
  }
  const render = (out: string, cache: string, { program = cli, report = example, extra = [] }: How = {}) => {
    const t = timeProcess([
      program,
      'render',
      report,
      '-o',
      out,
      '--cache-dir',
      cache,
      '--stats',
      'json',
      '--quiet',
      ...extra,
    ]);
    return { ms: t.ms, stats: childResult<Stats>(t.stdout) };
  };
  const counts = new Map<string, string>();
  const s = new Samples<string>();
  const run = (key: string, out: string, cache: string, how: How = {}) => {
    const r = render(out, cache, how);
    s.add(key, r.ms);
    counts.set(key, `${r.stats.charts.rendered} rendered, ${r.stats.charts.cached} cached`);
    return r.ms;
  };
  const withChromium = existsSync(chromium);
  const html = join(dir, 'warm.html');
  const printed = join(dir, 'chromium.pdf');
  const print = () =>
    timeProcess(
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${join(dir, 'chromium-profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${printed}`,
        pathToFileURL(html).href,
      ],
      chromium,
    ).ms;
  // Fills the warm cache folder; HTML and PDF share the chart entries.
  render(join(dir, 'warm.pdf'), warmCache);
  render(html, warmCache);
  if (before && beforeExample) {
    render(join(dir, 'before-warm.pdf'), join(dir, 'cache-before-warm'), {
      program: before.cli,
      report: beforeExample,
    });
    render(join(dir, 'now-old-warm.pdf'), join(dir, 'cache-now-old-warm'), { report: beforeExample });
  }
  const coldSum: number[] = [];
  const warmSum: number[] = [];
  for (let r = 0; r < rounds; r++) {
    run('pdf cold', join(dir, `cold-${r}.pdf`), join(dir, `cache-cold-pdf-${r}`));
    run('pdf warm', join(dir, 'warm.pdf'), warmCache);
    // Every chart cached but the document made again: what a rerun with an edited report costs.
    run('pdf charts cached', join(dir, 'warm-charts.pdf'), warmCache, { extra: ['--no-reuse'] });
    if (before && beforeExample) {
      const old = { program: before.cli, report: beforeExample };
      run('before cold', join(dir, `before-${r}.pdf`), join(dir, `cache-before-${r}`), old);
      run('before warm', join(dir, 'before-warm.pdf'), join(dir, 'cache-before-warm'), old);
      const now = { report: beforeExample };
      run('now old cold', join(dir, `now-old-${r}.pdf`), join(dir, `cache-now-old-${r}`), now);
      run('now old warm', join(dir, 'now-old-warm.pdf'), join(dir, 'cache-now-old-warm'), now);
    }
    const htmlCold = run('html cold', join(dir, `cold-${r}.html`), join(dir, `cache-cold-html-${r}`));
    const htmlWarm = run('html warm', html, warmCache);
    if (withChromium) {
      // Chromium prints the same page each round: the HTML path is its render plus this print.
      const p = print();
      s.add('chromium', p);
      coldSum.push(htmlCold + p);
      warmSum.push(htmlWarm + p);
    }
  }
  const pdfCold = s.median('pdf cold');
  const pdfWarm = s.median('pdf warm');
  const rows = [
    [
      'chartpress render -> PDF, cold (fresh empty --cache-dir)',
      fmtMs(pdfCold),
      counts.get('pdf cold') ?? '',
    ],
    [
      'chartpress render -> PDF, warm rerun (same --cache-dir; inputs unchanged: the stored document)',
      fmtMs(pdfWarm),
      counts.get('pdf warm') ?? '',
    ],
    ['  cold / warm', fmtRatio(pdfCold / pdfWarm), ''],
    [
      'chartpress render -> PDF, every chart cached, document made again (--no-reuse)',
      fmtMs(s.median('pdf charts cached')),
      counts.get('pdf charts cached') ?? '',
    ],
    ['  cold / charts cached', fmtRatio(pdfCold / s.median('pdf charts cached')), ''],
    ...(before
      ? [
          [
            `baseline ${before.rev} -> PDF of its own example, cold`,
            fmtMs(s.median('before cold')),
            counts.get('before cold') ?? '',
          ],
          [
            `baseline ${before.rev} -> PDF of its own example, warm`,
            fmtMs(s.median('before warm')),
            counts.get('before warm') ?? '',
          ],
          [
            'chartpress -> PDF of that example, cold',
            fmtMs(s.median('now old cold')),
            counts.get('now old cold') ?? '',
          ],
          [
            'chartpress -> PDF of that example, warm',
            fmtMs(s.median('now old warm')),
            counts.get('now old warm') ?? '',
          ],
          ['  PDF cold: baseline / now', fmtRatio(s.median('before cold') / s.median('now old cold')), ''],
          ['  PDF warm: baseline / now', fmtRatio(s.median('before warm') / s.median('now old warm')), ''],
        ]
      : [['baseline: none (set BENCH_BASELINE to a git revision to measure one)', '—', '']]),
    ['chartpress render -> HTML, cold', fmtMs(s.median('html cold')), counts.get('html cold') ?? ''],
    ['chartpress render -> HTML, warm', fmtMs(s.median('html warm')), counts.get('html warm') ?? ''],
  ];
  if (withChromium) {
    rows.push(
      [`Chromium headless (${chromium}): that HTML -> PDF, print only`, fmtMs(s.median('chromium')), ''],
      ['HTML cold + Chromium print', fmtMs(median(coldSum)), ''],
      ['HTML warm + Chromium print', fmtMs(median(warmSum)), ''],
      ['  chartpress PDF cold / (HTML cold + Chromium)', fmtRatio(pdfCold / median(coldSum)), ''],
      ['  chartpress PDF warm / (HTML warm + Chromium)', fmtRatio(pdfWarm / median(warmSum)), ''],
    );
  } else {
    rows.push([`Chromium print: skipped, ${chromium} not found (set CHROMIUM to a browser)`, '—', '']);
  }
  table(
    `5. the example report (examples/sales/report.yaml), CLI process wall time, median of ${rounds} interleaved rounds`,
    ['measure', 'median', 'charts'],
    rows,
  );
  const sizes = [`PDF ${fmtKB(statSync(join(dir, 'warm.pdf')).size)}`, `HTML ${fmtKB(statSync(html).size)}`];
  if (withChromium && existsSync(printed)) sizes.push(`Chromium's PDF ${fmtKB(statSync(printed).size)}`);
  console.log(`sizes: ${sizes.join(', ')}`);
  goal(reportGoals[0], pdfCold / pdfWarm);
  if (before) goal(reportGoals[1], s.median('before cold') / s.median('now old cold'));
  else goal(reportGoals[1], undefined, 'BENCH_BASELINE not set');
}
