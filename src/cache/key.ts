import { createHash } from 'node:crypto';
import { cell, type Frame, type Value } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';

/** Versions that change a chart's picture; any change gives every chart a new key. */
export interface KeyVersions {
  readonly chartpress: string;
  readonly renderer: string;
  readonly font: string;
}

/**
 * The content key of a chart: SHA-256 over the normalized spec (without its id, which does not
 * change the picture), the aggregated frame, and the versions. Params matter only through the
 * data they select.
 */
export function chartKey(chart: NormalizedChart, frame: Frame, versions: KeyVersions): string {
  const hash = createHash('sha256');
  hash.update(
    canonicalJson({
      v: versions,
      type: chart.type,
      title: chart.title ?? null,
      encode: chart.encode,
      options: chart.options,
      // Report-wide value colours change the picture; absent, they leave older keys as they were.
      colors: chart.colors,
      // Small multiples; absent, older keys stay as they were.
      facet: chart.facet,
      // The written order of a y list's series; absent, older keys stay as they were.
      seriesNames: chart.seriesNames,
    }),
  );
  hash.update('\u0000frame');
  for (const name of frame.fields) {
    hash.update(`\u0000${name}\u0000`);
    const col = frame.columns[name];
    if (col instanceof Float64Array) {
      // Numbers hash as their bytes; the tag keeps them apart from an array column of the same values.
      hash.update(`\u0002f64:${col.length}\u0000`);
      hash.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
    } else {
      // Hashed in long runs: one update per cell costs more than the hashing. Every cell's
      // text starts with U+0001, so no surrogate pair forms across two cells: the UTF-8 bytes
      // are those of the cells one by one.
      let run = '';
      for (let i = 0; i < frame.length; i++) {
        run += encodeValue(cell(col, i));
        if (run.length >= HASH_RUN) {
          hash.update(run);
          run = '';
        }
      }
      hash.update(run);
    }
  }
  return hash.digest('hex');
}

/** Characters of cell text hashed at a time. */
const HASH_RUN = 1 << 16;

function encodeValue(v: Value): string {
  if (v === null) return '\u0001n';
  if (typeof v === 'number') return `\u0001d${v}`;
  if (typeof v === 'boolean') return v ? '\u0001t' : '\u0001f';
  return `\u0001s${v.length}:${v}`;
}

/** JSON with object keys sorted, so equal specs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, the same in every process.
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
