/**
 * Where `engine.chart()` spends its time, from a V8 CPU profile.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/chart-profile.ts run line 40
 *   npx tsx bench/chart-profile.ts summary /tmp/prof/CPU.*.0.001.cpuprofile <from>
 *
 * (the main thread's profile: the `.1.` one is tsx's module loader thread)
 *
 * `run <bar|line> [n]` draws the bench's chart file n times (no cache) after a warm-up, and
 * prints when the timed runs began (`from`, on the profile's clock); `summary <file> <from>`
 * splits the samples taken from then on into the engine's steps (time
 * with one of the step's functions on the stack, the innermost step counting) and lists the
 * functions with the most self time.
 */
import { readFileSync } from 'node:fs';
import { createEngine } from '../src/index.js';
import { chartCases } from './suites/chart.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
}

/**
 * The engine's steps, by the files that do them (paths under `src/` or `node_modules/`); a
 * sample counts for the step of the innermost frame on its stack that one of them names.
 */
const STEPS: readonly [string, RegExp][] = [
  ['downsample', /^src\/(pipeline\/downsample|data\/lttb|data\/cells)\./],
  ['key', /^src\/cache\/key\./],
  ['sanitise', /^src\/chart\/(sanitize|css|xml-chars)\./],
  ['render: stabilise the SVG', /^src\/chart\/svg\./],
  ['render: ECharts', /^node_modules\/(echarts|zrender|tslib)\//],
  ['render: build the option', /^src\/chart\//],
  ['read + query', /^(src\/data\/|node_modules\/csv-parse\/)/],
  ['load (chart file, validate, plan)', /^(src\/spec\/|src\/chart-file\.|node_modules\/(zod|yaml)\/)/],
  ['pipeline, pool, engine', /^src\//],
];

const mode = process.argv[2];
if (mode === 'run') {
  const which = process.argv[3] === 'bar' ? 0 : 1;
  const n = Number(process.argv[4] ?? 30);
  const c = chartCases()[which];
  if (!c) throw new Error('no such case');
  const engine = createEngine({ cache: false });
  for (let i = 0; i < 3; i++) await engine.chart(c.file, { data: c.data });
  // The profile's clock: microseconds of the monotonic clock, as process.hrtime.
  console.log(`from ${process.hrtime.bigint() / 1000n}`);
  const t = performance.now();
  for (let i = 0; i < n; i++) await engine.chart(c.file, { data: c.data });
  console.log(`${c.name}: ${((performance.now() - t) / n).toFixed(1)} ms per engine.chart()`);
  await engine.close();
} else if (mode === 'summary') {
  const from = Number(process.argv[4]);
  if (!Number.isFinite(from))
    throw new Error(`from: expected the number \`run\` printed, got ${process.argv[4]}`);
  summary(JSON.parse(readFileSync(process.argv[3] ?? '', 'utf8')) as Profile, from);
} else {
  console.error('usage: chart-profile.ts run <bar|line> [n] | summary <file.cpuprofile> <from>');
  process.exit(2);
}

function summary(p: Profile, from: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const file = (n: ProfileNode | undefined) =>
    n?.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '') ?? '';
  const steps = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (at < from) continue;
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(p.samples[i] ?? -1);
    if (!leaf) continue;
    total += dt;
    const name = leaf.callFrame.functionName || '(anonymous)';
    const where = `${name} ${file(leaf)}:${leaf.callFrame.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + dt);
    // The innermost frame of a step's files names the step; shared code (src/frame.ts, say) counts
    // for the step that called it.
    let step: string | undefined;
    for (const [label, re] of STEPS) {
      for (let id: number | undefined = leaf.id; id !== undefined && step === undefined; id = parent.get(id))
        if (re.test(file(byId.get(id)))) step = label;
      if (step !== undefined) break;
    }
    const label =
      step ??
      (name === '(idle)'
        ? '(idle)'
        : name === '(garbage collector)'
          ? '(gc)'
          : 'other (Node: streams, fs, modules)');
    steps.set(label, (steps.get(label) ?? 0) + dt);
  }
  const pct = (x: number) => `${((100 * x) / total).toFixed(1)}%`.padStart(6);
  console.log(`${total.toFixed(0)} ms sampled\n\nby step:`);
  for (const [k, v] of [...steps].sort((a, b) => b[1] - a[1]))
    console.log(`${pct(v)}  ${v.toFixed(0).padStart(6)} ms  ${k}`);
  console.log('\nself time, top 25:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${pct(v)}  ${v.toFixed(0).padStart(6)} ms  ${k}`);
}
