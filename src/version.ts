// A bundle carries this inline: no package.json is looked up at run time.
import pkg from '../package.json' with { type: 'json' };

/** The chartpress version, from package.json; part of every chart's cache key. */
export const VERSION: string = pkg.version;
