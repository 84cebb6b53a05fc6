/**
 * The PDF process's entry when chartpress runs from its TypeScript sources (tests, benchmarks):
 * tsx's ES module hooks are registered in the process before the compiler module is imported.
 */
const { register } = await import('tsx/esm/api');
register();
await import('./typst-process.ts');
