import { tracingChannel } from 'node:diagnostics_channel';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../src/index.js';
import { ChannelName } from '../../src/telemetry/channels.js';
import type { DataContext } from '../../src/telemetry/events.js';
import { BENCH_DIR } from '../gen.js';
import { median, ms, ratio, row } from '../stats.js';

const root = join(import.meta.dirname, '../..');
const ROUNDS = 9;

/**
 * Live values in text cost no scan of their own: the showcase example (whose text shows figures
 * from a `values:` query, computed with `calculate` and a `where`) against the same report
 * without them, to PDF without a cache; the scans and their queries are counted on the
 * `chartpress:data` channel, and the time taken is compared in interleaved rounds.
 */
export async function values(): Promise<void> {
  const dir = join(root, 'examples/showcase');
  const withValues = join(dir, 'report.yaml');
  const text = readFileSync(withValues, 'utf8');
  const start = text.indexOf('\nvalues:\n');
  const end = text.indexOf('\ncharts:\n');
  const firstText = text.indexOf('  - text: >-\n      Over the year');
  const afterText = text.indexOf('\n  #', firstText);
  if (start < 0 || end < 0 || firstText < 0 || afterText < 0)
    throw new Error('the showcase report has changed');
  // Beside the benchmark's other files, reading the example's data where it is.
  mkdirSync(BENCH_DIR, { recursive: true });
  const without = join(BENCH_DIR, 'showcase-without-values.yaml');
  const stripped = text.slice(0, start) + text.slice(end, firstText) + text.slice(afterText + 1);
  writeFileSync(without, stripped.replace('path: data/orders.csv', `path: ${join(dir, 'data/orders.csv')}`));
  const scans: DataContext[] = [];
  const channel = tracingChannel<unknown, DataContext>(ChannelName.data);
  const none = () => {};
  const handlers = {
    start: (ctx: DataContext) => {
      scans.push(ctx);
    },
    end: none,
    asyncStart: none,
    asyncEnd: none,
    error: none,
  };
  channel.subscribe(handlers);
  const engine = createEngine({ cache: false });
  try {
    const count = async (file: string) => {
      scans.length = 0;
      await engine.render(file, { format: 'pdf' });
      return scans.map((s) => `${s.dataset} (${s.queries} queries)`).join(', ');
    };
    row('scans, showcase with its values', await count(withValues));
    row('scans, the same without them', await count(without));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      await engine.render(withValues, { format: 'pdf' });
      a.push(performance.now() - t);
      t = performance.now();
      await engine.render(without, { format: 'pdf' });
      b.push(performance.now() - t);
    }
    row(
      `render to PDF, with / without values (${ROUNDS} rounds)`,
      `${ratio(median(a), median(b))} (${ms(median(a))} vs ${ms(median(b))})`,
    );
  } finally {
    channel.unsubscribe(handlers);
    await engine.close();
  }
}
