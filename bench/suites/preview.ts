import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { runPlanData } from '../../src/pipeline/data.js';
import { prepareReport } from '../../src/pipeline/prepare.js';
import { RenderPool } from '../../src/pool/index.js';
import { createPreview } from '../../src/preview/index.js';
import { DEFAULT_DEBOUNCE_MS } from '../../src/preview/watch.js';
import { CHROMIUM, launchChromium } from '../../test/helpers/chromium.js';
import { median, ms, ratio, row } from '../stats.js';

const ROUNDS = 10;
const WARMUP = 2;
const root = join(import.meta.dirname, '../..');

/** What the page records of each update it applies (see src/preview/page.ts). */
interface Recorder {
  cpBench?: { at: number; version: number }[];
  cpPreview?: { updates: number; applyMs: number };
}

/**
 * `npm run bench -- preview`: the time from saving a file to the page in Chromium having
 * applied the update (the page's `cp:update` event, stamped with its wall clock), for an edit to
 * the text, to one chart's options and to one dataset file of the example report (copied to a
 * temporary folder); median of 10 each, against one render of that chart measured in the same
 * run. Writes the screenshots docs/preview.png and docs/preview-problems.png.
 */
export async function preview(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chartpress-bench-preview-'));
  const profile = mkdtempSync(join(tmpdir(), 'chartpress-bench-chromium-'));
  cpSync(join(root, 'examples/sales'), dir, { recursive: true });
  const report = join(dir, 'report.yaml');
  const stores = join(dir, 'data/stores.csv');
  const text = readFileSync(report, 'utf8');
  const storesCsv = readFileSync(stores, 'utf8');

  const live = await createPreview(report, { port: 0 });
  const context = await launchChromium(profile, { width: 1280, height: 800 }, 1);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(live.url);
    await page.waitForFunction(() => ((globalThis as unknown as Recorder).cpPreview?.updates ?? 0) > 0);
    await page.evaluate(() => {
      const g = globalThis as unknown as Recorder & {
        document: {
          addEventListener(t: string, f: (e: { detail: { at: number; version: number } }) => void): void;
        };
      };
      g.cpBench = [];
      g.document.addEventListener('cp:update', (e) => g.cpBench?.push(e.detail));
    });

    /** Saves the file and waits for the page: ms from the save to the page's update. */
    const timeSave = async (save: () => void): Promise<number> => {
      const before = await page.evaluate(() => (globalThis as unknown as Recorder).cpBench?.length ?? 0);
      const t0 = performance.timeOrigin + performance.now();
      save();
      await page.waitForFunction(
        (n) => ((globalThis as unknown as Recorder).cpBench?.length ?? 0) > n,
        before,
        { polling: 'raf', timeout: 30_000 },
      );
      const at = await page.evaluate(() => (globalThis as unknown as Recorder).cpBench?.at(-1)?.at ?? 0);
      await sleep(50); // let the watcher settle before the next save
      return at - t0;
    };

    // The report as edited so far: a text edit changes the text only, a chart edit the height only.
    const edited = { words: 0, height: 340 };
    const writeReport = () =>
      writeFileSync(
        report,
        text
          .replace('All figures are in US dollars', `All figures (${edited.words}) are in US dollars`)
          .replace('smooth: true, height: 340', `smooth: true, height: ${edited.height}`),
      );
    const cases = {
      text: (i: number) => () => {
        edited.words = i;
        writeReport();
      },
      chart: (i: number) => () => {
        edited.height = 300 + i;
        writeReport();
      },
      dataset: (i: number) => () =>
        writeFileSync(
          stores,
          storesCsv.replace('London store,EMEA,822,1233861', `London store,EMEA,822,${1233862 + i}`),
        ),
    };
    const measured: Record<keyof typeof cases, number[]> = { text: [], chart: [], dataset: [] };
    const server: Record<keyof typeof cases, number[]> = { text: [], chart: [], dataset: [] };
    const apply: Record<keyof typeof cases, number[]> = { text: [], chart: [], dataset: [] };
    const recomputed: Record<string, string> = {};
    let i = 0;
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
        const ms = await timeSave(cases[name](i++));
        const s = live.last!.stats;
        if (round >= WARMUP) {
          measured[name].push(ms);
          server[name].push(s.ms.total);
          apply[name].push(
            await page.evaluate(() => (globalThis as unknown as Recorder).cpPreview?.applyMs ?? 0),
          );
        }
        recomputed[name] =
          `${s.charts.rendered} rendered, ${s.charts.cached} cached; read ${s.datasets.scanned.join(', ') || 'nothing'}; ${s.blocks.changed} blocks changed`;
      }
    }
    writeFileSync(report, text);
    writeFileSync(stores, storesCsv);
    await sleep(300);

    // One render of the edited chart (a new key each time, in this process, as the preview draws it).
    const chartMs = await chartRenders(report);

    const text50 = median(measured.text);
    const chart50 = median(measured.chart);
    const data50 = median(measured.dataset);
    const render50 = median(chartMs);
    console.log(
      `example report (${live.last!.blocks.length} blocks, 8 charts), save to page updated in Chromium, median of ${ROUNDS}; debounce ${DEFAULT_DEBOUNCE_MS} ms`,
    );
    row('one render of revenue_trend (line, in process), median', ms(render50));
    row(
      `text edit (${recomputed.text})`,
      `${ms(text50)}  (${ratio(text50, render50)} a chart render; goal < 100 ms)`,
    );
    row(
      `chart option edit (${recomputed.chart})`,
      `${ms(chart50)}  (${ratio(chart50, render50)} a chart render; goal < ${ms(100 + render50)})`,
    );
    row(
      `dataset edit, stores.csv (${recomputed.dataset})`,
      `${ms(data50)}  (${ratio(data50, render50)} a chart render)`,
    );
    for (const name of Object.keys(cases) as (keyof typeof cases)[])
      row(
        `  ${name}: min / max; median render (server), page update`,
        `${ms(Math.min(...measured[name]))} / ${ms(Math.max(...measured[name]))}; ${ms(median(server[name]))}, ${ms(median(apply[name]))}`,
      );

    await screenshots(page, report, text);
  } finally {
    await context.close();
    await live.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `revenue_trend` drawn ROUNDS times at new heights (no cache), in process, after one to warm up. */
async function chartRenders(report: string): Promise<number[]> {
  const prepared = await prepareReport(report, {}, 5e6, undefined);
  const data = await runPlanData(prepared.plan, prepared);
  const use = prepared.plan.charts.get('revenue_trend')!;
  const frame = data.frames.get('revenue_trend')!;
  const pool = new RenderPool({ threads: 1 });
  const out: number[] = [];
  try {
    for (let k = 0; k <= ROUNDS; k++) {
      const chart = { ...use.chart, options: { ...use.chart.options, height: 500 + k } } as typeof use.chart;
      const t = performance.now();
      await pool.render({ chart, frame, owned: false });
      if (k > 0) out.push(performance.now() - t);
    }
  } finally {
    await pool.close();
  }
  return out;
}

/** The page as an analyst sees it, and with the problems of a bad save over it. */
async function screenshots(page: Page, report: string, text: string): Promise<void> {
  const docs = join(root, 'docs');
  mkdirSync(docs, { recursive: true });
  const count = () => page.evaluate(() => (globalThis as unknown as Recorder).cpPreview?.updates ?? 0);
  const next = async (save: () => void) => {
    const n = await count();
    save();
    await page.waitForFunction((at) => ((globalThis as unknown as Recorder).cpPreview?.updates ?? 0) > at, n);
    await sleep(300);
  };
  // After an edit to one chart's options: one chart drawn, the rest from the cache.
  await next(() =>
    writeFileSync(report, text.replace('smooth: true, height: 340', 'smooth: false, height: 340')),
  );
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(docs, 'preview.png') });
  await next(() =>
    writeFileSync(
      report,
      text
        .replace('smooth: true, height: 340', 'smooth: true, heigth: 340')
        .replace('{ field: date, bucket: month }, region', '{ field: date, bucket: mnth }, region'),
    ),
  );
  await page.screenshot({ path: join(docs, 'preview-problems.png') });
  await next(() => writeFileSync(report, text));
  console.log(`\nscreenshots: docs/preview.png, docs/preview-problems.png`);
}
