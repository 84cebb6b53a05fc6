/**
 * The worker entry when chartpress runs from its TypeScript sources (tests, benchmarks). tsx's
 * ES module hooks are registered here, in the worker, before the worker module is imported: a
 * worker started with `--import tsx` gets only its CommonJS hooks, piscina would then `require()`
 * the worker, and tsx would turn ECharts into CommonJS modules whose exports are getters, which
 * draw a chart markedly slower than ECharts' own ES modules. The top-level await keeps piscina
 * from requiring this file: it imports it.
 */
const { register } = await import('tsx/esm/api');
register();
const { default: render } = await import('./worker.ts');
export default render;
