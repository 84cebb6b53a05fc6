export type { PoolOptions } from './options.js';
export { type PoolStats, type RenderJob, type RenderPlace, RenderPool } from './pool.js';
