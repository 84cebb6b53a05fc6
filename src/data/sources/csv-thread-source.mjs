/**
 * The CSV reader thread's entry when chartpress runs from its TypeScript sources (tests,
 * benchmarks): tsx's ES module hooks are registered in the thread before the reader is imported.
 */
const { register } = await import('tsx/esm/api');
register();
await import('./csv-thread.ts');
