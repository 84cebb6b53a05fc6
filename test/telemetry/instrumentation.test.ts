import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/cache/memory.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { type CacheStore, storeCounters } from '../../src/cache/store.js';
import { TieredCache } from '../../src/cache/tiered.js';
import { runQueries } from '../../src/data/scan.js';
import { compilePdf } from '../../src/document/pdf.js';
import { createEngine } from '../../src/index.js';
import type { Query } from '../../src/spec/schema.js';
import { tracePhase, traceReport } from '../../src/telemetry/trace.js';
import { svgOf, TestClock } from '../cache/store-suite.js';
import { countingSource, salesRows } from '../data/helpers.js';
import { tempDir } from '../helpers/tmp.js';
import { recordChannels } from './helpers.js';

const queries = new Map<string, Query>([
  ['byRegion', { from: 'sales', groupBy: ['region'], aggregate: { n: { op: 'count' } } }],
  ['all', { from: 'sales' }],
]);

describe('chartpress:data', () => {
  it('traces a dataset scan: dataset, queries, rows read, duration', async () => {
    const { on } = recordChannels();
    await runQueries(countingSource(salesRows(5000)), queries, {}, { dataset: 'sales' });
    expect(on('data:start')).toEqual([{ dataset: 'sales', queries: 2, rows: 0 }]);
    const [done] = on('data:asyncEnd');
    expect(done).toMatchObject({ dataset: 'sales', queries: 2, rows: 5000 });
    expect(done?.ms).toBeGreaterThan(0);
    expect(done?.code).toBeUndefined();
  });

  it('carries the report id inside a traced report, and the code of a failed scan', async () => {
    const { on } = recordChannels();
    const bad = new Map<string, Query>([['x', { from: 'sales', groupBy: ['nope'] }]]);
    await traceReport('pdf', async () => {
      await tracePhase('data', () =>
        runQueries(countingSource(salesRows(10)), bad, {}, { dataset: 'sales' }),
      ).catch(() => {});
      return { output: '', charts: [] };
    });
    const [scan] = on('data:asyncEnd');
    expect(scan).toMatchObject({ dataset: 'sales', code: 'CP_ERR_UNKNOWN_COLUMN' });
    expect(scan?.reportId).toBe(on('report:start')[0]?.reportId);
    expect(on('data:error')).toHaveLength(1);
  });
});

describe('chartpress:document', () => {
  it('traces the Typst compile: charts, bytes in and out, duration', () => {
    const { on } = recordChannels();
    const svg = new TextEncoder().encode(svgOf(2000));
    const pdf = compilePdf({
      source: '= Hello\n#image("/charts/a.svg", width: 4cm)',
      files: new Map([['/charts/a.svg', svg]]),
    });
    const [done] = on('document:end');
    expect(done).toMatchObject({ format: 'pdf', step: 'compile', charts: 1, bytes: pdf.byteLength });
    expect(done?.inputBytes).toBeGreaterThan(svg.byteLength);
    expect(done?.ms).toBeGreaterThan(0);
  });

  it('sets CP_ERR_DOCUMENT_COMPILE when Typst fails', () => {
    const { on } = recordChannels();
    expect(() => compilePdf({ source: '#let x = (', files: new Map() })).toThrow();
    expect(on('document:end')[0]).toMatchObject({ step: 'compile', code: 'CP_ERR_DOCUMENT_COMPILE' });
    expect(on('document:error')).toHaveLength(1);
  });
});

describe('chartpress:cache', () => {
  const { compression, maxEntryBytes } = resolveCacheOptions();
  const failing: CacheStore = {
    name: 'redis',
    get: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    set: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    delete: async () => {},
    clear: async () => {},
    counters: storeCounters,
    close: async () => {},
  };

  it('publishes tier failures and corrupt entries with the tier and key', async () => {
    const { on } = recordChannels();
    const memory = createMemoryStore({ maxSize: 1 << 20, ttl: 0 }, new TestClock());
    const cache = new TieredCache([memory, failing], compression, maxEntryBytes);
    await cache.fetch('k1', () => Buffer.from(svgOf(20_000)));
    await memory.set('k2', Buffer.from('not an entry'));
    expect(await cache.get('k2')).toBeUndefined();
    const events = on('cache');
    expect(events.filter((e) => e.type === 'error')).toHaveLength(3);
    expect(events[0]).toMatchObject({ type: 'error', tier: 'redis', key: 'k1' });
    expect(events.find((e) => e.type === 'corrupt')).toMatchObject({ tier: 'memory', key: 'k2' });
  });
});

describe('a real report', () => {
  const tmp = tempDir();
  tmp.write('data/sales.csv', ['region,amount', 'EU,10', 'US,5', 'EU,7'].join('\n'));
  const report = tmp.write(
    'report.yaml',
    `title: Telemetry
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  by_region:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
body:
  - chart: by_region
`,
  );

  it('publishes its dataset scan and its Typst compile', async () => {
    const { on } = recordChannels();
    const engine = createEngine({ cache: false });
    try {
      const result = await engine.render(report, { format: 'pdf' });
      expect(on('data:asyncEnd')).toMatchObject([{ dataset: 'sales', queries: 1, rows: 3 }]);
      const compiles = on('document:end').filter((d) => d.step === 'compile');
      expect(compiles).toMatchObject([
        { format: 'pdf', charts: 1, bytes: (result.output as Uint8Array).byteLength },
      ]);
    } finally {
      await engine.close();
    }
  });
});
