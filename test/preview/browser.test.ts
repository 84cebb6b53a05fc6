import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPreview, type Preview } from '../../src/preview/index.js';
import type { PreviewRender } from '../../src/preview/session.js';
import { chromiumFound, launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/tmp.js';

const found = chromiumFound('test/preview/browser.test.ts', "the preview's browser tests");

/** The page's own record of the updates it applied (see the client in src/preview/page.ts). */
interface PageState {
  readonly cpPreview?: { updates: number; state: string; last: PreviewRender | null };
}

const tmp = tempDir();
tmp.write(
  'data/sales.csv',
  'month,region,amount\n2025-01-01,EU,10\n2025-02-01,EU,14\n2025-01-01,US,20\n2025-02-01,US,17\n',
);
tmp.write('data/stores.csv', 'store,size\nA,100\nB,250\n');
const REPORT = `title: Browser preview
params:
  region: { type: string, values: [EU, US] }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
charts:
  trend:
    type: line
    title: Amount by month
    data: { from: sales, filter: [{ field: region, value: { param: region } }], groupBy: [{ field: month, bucket: month }, region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: month, y: total, series: region }
    options: { height: 240 }
  sizes:
    type: bar
    title: Store sizes
    data: { from: stores }
    encode: { x: store, y: size }
    options: { height: 240 }
body:
  - heading: Sales
  - text: The first words.
  - chart: trend
  - heading: Stores
  - chart: sizes
`;
const report = tmp.write('report.yaml', REPORT);

describe.skipIf(!found)('preview in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let preview: Preview;
  const profile = mkdtempSync(join(tmpdir(), 'chartpress-chromium-'));

  beforeAll(async () => {
    preview = await createPreview(report, { port: 0, debounceMs: 10, pool: { threads: 1 } });
    context = await launchChromium(profile, { width: 1100, height: 800 });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(preview.url);
    await updated(0);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await preview?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** Waits until the page has applied more than `n` updates; returns how many it has. */
  async function updated(n: number): Promise<number> {
    await page.waitForFunction(
      (at) => ((globalThis as unknown as PageState).cpPreview?.updates ?? 0) > at,
      n,
      { timeout: 15_000 },
    );
    return updates();
  }
  const updates = () => page.evaluate(() => (globalThis as unknown as PageState).cpPreview?.updates ?? 0);
  /** Marks every block element, so that the test can tell the kept ones from the new. */
  const mark = () =>
    page.evaluate('document.querySelectorAll(".cp-block").forEach((el) => { el.dataset.mark = "kept"; })');
  const kept = (selector: string) =>
    page
      .locator(selector)
      .evaluate((el) => (el as unknown as { dataset: Record<string, string> }).dataset.mark === 'kept');

  it('shows the report: its title, headings and charts on paper-sized sheets', async () => {
    await expect(page.locator('.cp-sheet header h1').textContent()).resolves.toBe('Browser preview');
    await expect(page.locator('.cp-sheet h2').allTextContents()).resolves.toEqual(['Sales', 'Stores']);
    expect(await page.locator('.cp-sheet figure[data-chart] svg').count()).toBe(2);
    const sheet = await page.locator('.cp-sheet').first().boundingBox();
    // A4 at 96 dpi: 595.28 pt = 793.7 px.
    expect(sheet?.width).toBeCloseTo(793.7, 0);
    await expect(page.locator('#cp-state').textContent()).resolves.toBe('up to date');
    await expect(page.locator('#cp-strip').textContent()).resolves.toMatch(
      /charts 2 rendered · cache 0\/2 hits/,
    );
  });

  it('updates the text of an edit on disk, re-rendering no chart and keeping the scroll position', async () => {
    await mark();
    await page.evaluate('window.scrollTo(0, 200)');
    const n = await updates();
    writeFileSync(report, REPORT.replace('The first words.', 'Words edited on disk.'));
    await updated(n);
    await expect(page.locator('.cp-block[data-kind=text]').textContent()).resolves.toBe(
      'Words edited on disk.',
    );
    expect(preview.last!.stats.charts).toEqual({ rendered: 0, cached: 2, failed: 0 });
    expect(await kept('.cp-block:has(figure[data-chart=trend])')).toBe(true);
    expect(await kept('.cp-block:has(figure[data-chart=sizes])')).toBe(true);
    expect(await kept('.cp-block[data-kind=text]')).toBe(false);
    expect(await page.evaluate('window.scrollY')).toBe(200);
  });

  it('shows the problem of a bad save over the last good render, and drops it once fixed', async () => {
    const n = await updates();
    writeFileSync(
      report,
      REPORT.replace(
        '    options: { height: 240 }\n  sizes',
        '    options: { height: 240, colour: red }\n  sizes',
      ),
    );
    await updated(n);
    await expect(page.locator('#cp-overlay').isVisible()).resolves.toBe(true);
    await expect(page.locator('.cp-problem .cp-path').textContent()).resolves.toBe(
      'charts.trend.options.colour',
    );
    await expect(page.locator('.cp-problem .cp-code').textContent()).resolves.toBe('CP_ERR_UNKNOWN_FIELD');
    await expect(page.locator('.cp-problem .cp-hint').textContent()).resolves.toMatch(/^hint: /);
    expect(await page.locator('.cp-sheet figure[data-chart] svg').count()).toBe(2);

    writeFileSync(report, REPORT);
    await updated(n + 1);
    await expect(page.locator('#cp-overlay').isVisible()).resolves.toBe(false);
    await expect(page.locator('#cp-state').textContent()).resolves.toBe('up to date');
  });

  it('renders with a param chosen in the form', async () => {
    await mark();
    const before = await page.locator('figure[data-chart=trend]').innerHTML();
    const n = await updates();
    await page.locator('#cp-params select[name=region]').selectOption('EU');
    await updated(n);
    expect(await page.locator('figure[data-chart=trend]').innerHTML()).not.toBe(before);
    expect(await kept('.cp-block:has(figure[data-chart=trend])')).toBe(false);
    expect(await kept('.cp-block:has(figure[data-chart=sizes])')).toBe(true);
    expect(preview.last!.params[0]).toMatchObject({ name: 'region', value: 'EU' });
    expect(preview.last!.stats.charts.rendered).toBe(1);
  });

  it('rescans only the dataset whose file changed, and redraws only its charts', async () => {
    await mark();
    const n = await updates();
    const stores = join(tmp.dir, 'data/stores.csv');
    writeFileSync(stores, `${readFileSync(stores, 'utf8')}C,180\n`);
    await updated(n);
    expect(preview.last!.stats.datasets).toEqual({ scanned: ['stores'], reused: ['sales'] });
    expect(preview.last!.stats.charts).toEqual({ rendered: 1, cached: 1, failed: 0 });
    expect(await kept('.cp-block:has(figure[data-chart=sizes])')).toBe(false);
    expect(await kept('.cp-block:has(figure[data-chart=trend])')).toBe(true);
    expect(await page.locator('figure[data-chart=sizes] svg').innerHTML()).toContain('>C<');
  });
});
