import { SMALL_FILE_BYTES } from './read.js';
import type { Report } from './schema.js';

/** Reports kept at most by a `ReportMemo`: 64. */
export const MEMO_MAX_REPORTS = 64;

/**
 * Longest text whose report a `ReportMemo` keeps, in UTF-16 code units: 256 Ki (longer ones
 * are validated each time).
 */
export const MEMO_MAX_TEXT_LENGTH = SMALL_FILE_BYTES;

/**
 * Validated reports by the text they were read from (and whatever else their validation read:
 * the file's name, a chart file's data file), so that a report or chart file drawn again
 * unchanged is not parsed and validated again: the YAML and the schema take about as long as
 * the file's reading and querying together on a small chart. The last `maxReports` used are
 * kept, each from a text of at most `MEMO_MAX_TEXT_LENGTH`. A report kept is frozen, deeply: it
 * is shared by every render of the text, and none of them may change it.
 */
export class ReportMemo {
  readonly #reports = new Map<string, Report>();

  constructor(readonly maxReports = MEMO_MAX_REPORTS) {}

  /**
   * The report validated from `text`, as `validate` makes it on a miss. `context` holds what
   * the validation depends on beside the text, and `text` what the file held.
   */
  get(context: readonly string[], text: string, validate: () => Report): Report {
    if (text.length > MEMO_MAX_TEXT_LENGTH || this.maxReports < 1) return validate();
    const key = `${JSON.stringify(context)}\n${text}`;
    const kept = this.#reports.get(key);
    if (kept) {
      // The most recently used last: the first is the one to drop.
      this.#reports.delete(key);
      this.#reports.set(key, kept);
      return kept;
    }
    const report = deepFreeze(validate());
    this.#reports.set(key, report);
    while (this.#reports.size > this.maxReports) {
      const oldest = this.#reports.keys().next();
      if (oldest.done) break;
      this.#reports.delete(oldest.value);
    }
    return report;
  }

  get size(): number {
    return this.#reports.size;
  }
}

/** `value` with every object and array reached from it frozen. */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return value;
}
