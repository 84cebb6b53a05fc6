import { dirname, resolve } from 'node:path';
import { spareReaders } from '../data/sources/csv-spare.js';
import type { FileRoots } from '../data/sources/roots.js';
import type { ReportMemo } from '../spec/memo.js';
import { checkReport } from '../spec/normalize.js';
import { type ParamInput, resolveParams } from '../spec/params.js';
import { parseReportText, validateReport } from '../spec/parse.js';
import { readRegularFile } from '../spec/read.js';
import type { Report, ReportInput } from '../spec/schema.js';
import { planReport } from './plan.js';
import type { Prepared } from './report.js';

/** What a report is prepared with: its params, and the folder of its data for a report object. */
export interface PrepareOptions {
  readonly params?: ParamInput | undefined;
  readonly baseDir?: string | undefined;
}

/**
 * A report read (from its file, within `maxReportBytes`, or from `bytes` already read from it),
 * validated, checked, its params resolved and its plan made: what every engine method starts from.
 * A report file's validated report is taken from `memo` when its text was validated before.
 */
export async function prepareReport(
  input: string | ReportInput,
  opts: PrepareOptions,
  maxReportBytes: number,
  roots: FileRoots | undefined,
  bytes?: Uint8Array,
  memo?: ReportMemo,
): Promise<Prepared> {
  if (typeof input !== 'string') {
    const baseDir = resolve(opts.baseDir ?? '.');
    const report = validateReport(input);
    checkReport(report);
    return planPrepared(report, opts, { baseDir, file: undefined }, roots);
  }
  const file = input;
  const raw = bytes ?? (await readRegularFile(file, maxReportBytes, 'report file'));
  // A view of the bytes read, not a copy.
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  const baseDir = dirname(resolve(file));
  // A large CSV file's reader threads start while the report is validated and planned (the
  // engine starts them for a report given as an object).
  let spared = false;
  const validate = () => {
    const parsed = parseReportText(text, file);
    void spareReaders(parsed, baseDir, roots);
    spared = true;
    const report = validateReport(parsed, file);
    checkReport(report, file);
    return report;
  };
  const report = memo ? memo.get(['report', file], text, validate) : validate();
  if (!spared) void spareReaders(report, baseDir, roots);
  return planPrepared(report, opts, { baseDir, file }, roots);
}

/** A validated and checked report with its params resolved and its plan made. */
export function planPrepared(
  report: Report,
  opts: PrepareOptions,
  loaded: { readonly baseDir: string; readonly file: string | undefined },
  roots: FileRoots | undefined,
): Prepared {
  const params = resolveParams(report, opts.params, loaded.file);
  const plan = planReport(report, params);
  return { report, params, plan, baseDir: loaded.baseDir, file: loaded.file, roots };
}
