/**
 * The PDF thread's entry when chartpress runs from its TypeScript sources (tests, benchmarks):
 * tsx's ES module hooks are registered in the thread before the compiler module is imported.
 */
const { register } = await import('tsx/esm/api');
register();
await import('./typst-thread.ts');
