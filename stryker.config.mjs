// Mutation testing: `npm run mutate` (all modules below) or, one module at a time,
// `npm run mutate -- --mutate src/cache/key.ts`. Not part of `npm test` or CI.
// Incremental: results are kept in .stryker-tmp/ and only changed code or tests are re-run.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The modules where a silent bug costs most: cache keys, codec and tiers; the data phase's
  // aggregates, groups, LTTB and time buckets; Typst escaping; the pool's balancer and gate.
  mutate: [
    'src/cache/key.ts',
    'src/cache/codec.ts',
    'src/cache/tiered.ts',
    'src/data/aggregate.ts',
    'src/data/group.ts',
    'src/data/lttb.ts',
    'src/data/bucket.ts',
    'src/document/escape.ts',
    // The pool's pure parts. Its workers are left out: code run in a worker thread is beyond
    // Stryker's reach (mutants are switched on per thread), and its tests start threads.
    'src/pool/roster.ts',
    'src/pool/gate.ts',
  ],
  testRunner: 'vitest',
  // The modules' own unit tests (vitest.mutate.config.ts), and of those only the files that
  // import a mutated module, directly or not.
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // The machines are shared: one test process at a time.
  concurrency: 1,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: '.stryker-tmp/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: '.stryker-tmp/report.html' },
  thresholds: { high: 90, low: 85, break: null },
};
