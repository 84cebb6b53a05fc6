/**
 * Limits on what a report may ask for. Each bounds time or memory that a hostile or careless
 * input could otherwise make unbounded; each is documented in the README.
 */

/**
 * Deepest nesting of objects and arrays in a report or chart file, or in a report object given
 * to the library (the root is level 1). Real reports nest some 10 levels; 64 leaves room for
 * `options.echarts` and nested rows while keeping every walk over the input far from the stack
 * limit.
 */
export const MAX_DEPTH = 64;

/**
 * Budget of YAML alias expansion (the `yaml` library's `maxAliasCount`): an alias counts once
 * per node it brings in. A "billion laughs" file exceeds it after a few thousand nodes.
 */
export const MAX_YAML_ALIAS_COUNT = 1000;

/**
 * Most values YAML merge keys (`<<: *base`) may copy in one file, all merges together. A merge
 * copies its source map afresh at each use, so merges are counted by what they copy; a report
 * that merges a 50-value template into 100 charts copies 5,000.
 */
export const MAX_YAML_MERGE_VALUES = 100_000;

/** Longest chain of charts that extend one another (`extends:`), the chart itself included. */
export const MAX_EXTENDS_DEPTH = 8;

/**
 * Most values (objects, arrays and scalars) a report may hold once shared parts are counted each
 * time they are used, as the schema, the cache key and the chart options see them. A 5 MiB file
 * holds fewer than 2.5 million values; an object graph built in code that shares one subtree
 * twice at every level (2^40 values from 40 objects) is refused.
 */
export const MAX_VALUES = 5_000_000;

/** Largest timeout in milliseconds: 2^31 - 1, the most a Node.js timer can wait (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Largest chart width or height in pixels. */
export const MAX_CHART_SIZE = 10_000;

/** Largest report file read, in bytes. Defaults to 5 MiB: data belongs in datasets. */
export const DEFAULT_MAX_REPORT_BYTES = 5 * 1024 * 1024;
