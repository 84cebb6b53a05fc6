import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The chartpress version, from package.json; part of every chart's cache key. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
