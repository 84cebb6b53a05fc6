/**
 * The first font subset in a fresh process (module import plus one subset of a chart's
 * characters, then a second subset), chartpress's TrueType subsetter against `subset-font`
 * (HarfBuzz in WebAssembly, with the features the HTML writer keeps for pages). Each side runs in
 * its own `node` process, interleaved; the subsetter is bundled by esbuild first, as the CLI is.
 *
 *   npm run bench -- fonts   (BENCH_ROUNDS: rounds, default 9)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PAGE_FEATURES } from '../src/document/fonts.js';
import { fontPath } from '../src/font.js';
import { median, ms, ratio, row } from './stats.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const dir = mkdtempSync(join(tmpdir(), 'chartpress-bench-subset-'));
const root = join(import.meta.dirname, '..');

/** The characters of a bar chart of regions (labels, ticks, title), then of a second one. */
const TEXTS = ['Amount by région Île-de-France Åland 0123456789.,', 'Revenue by month Jan Feb Mar 2024 k%'];

const child = (load: string, subset: string) => `
import { readFileSync } from 'node:fs';
const font = readFileSync(${JSON.stringify(fontPath('regular'))});
const texts = ${JSON.stringify(TEXTS)};
const t0 = performance.now();
${load}
const a = await ${subset.replace('TEXT', 'texts[0]')};
const t1 = performance.now();
const b = await ${subset.replace('TEXT', 'texts[1]')};
const t2 = performance.now();
console.log(JSON.stringify({ first: t1 - t0, second: t2 - t1, bytes: a.length }));
`;

try {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/document/font-subset.ts'],
    outfile: join(dir, 'font-subset.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const ours = join(dir, 'ours.mjs');
  writeFileSync(
    ours,
    child(
      `const { subsetTrueType } = await import(${JSON.stringify(join(dir, 'font-subset.mjs'))});`,
      'subsetTrueType(font, [...TEXT].map((c) => c.codePointAt(0)))',
    ),
  );
  const sides: [string, string][] = [['chartpress subsetTrueType', ours]];
  let baseline: string | undefined;
  try {
    const subsetFont = createRequire(join(root, 'package.json')).resolve('subset-font');
    const features = PAGE_FEATURES;
    baseline = join(dir, 'baseline.mjs');
    writeFileSync(
      baseline,
      child(
        `const { default: subsetFont } = await import(${JSON.stringify(subsetFont)});`,
        `subsetFont(font, TEXT, { targetFormat: 'sfnt', keepFeatures: ${JSON.stringify(features)} })`,
      ),
    );
    sides.unshift(['subset-font (HarfBuzz WebAssembly)', baseline]);
  } catch {
    console.log('subset-font is not installed: no baseline');
  }
  const runs = new Map<string, { first: number; second: number; bytes: number }[]>();
  for (let r = 0; r < rounds; r++)
    for (const [label, file] of sides) {
      const out = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }));
      runs.set(label, [...(runs.get(label) ?? []), out]);
    }
  console.log(`first subset in a fresh process (import + subset), median of ${rounds} interleaved runs`);
  for (const [label] of sides) {
    const r = runs.get(label) ?? [];
    row(`${label}: import + first subset`, ms(median(r.map((x) => x.first))));
    row(`${label}: second subset`, ms(median(r.map((x) => x.second))));
    row(`${label}: subset size`, `${r[0]?.bytes ?? 0} bytes`);
  }
  if (baseline) {
    const first = (label: string) => median((runs.get(label) ?? []).map((x) => x.first));
    row('import + first subset: subset-font / chartpress', ratio(first(sides[0]![0]), first(sides[1]![0])));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
