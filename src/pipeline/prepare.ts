import { dirname, resolve } from 'node:path';
import { spareReaders } from '../data/sources/csv-spare.js';
import type { FileRoots } from '../data/sources/roots.js';
import { checkReport } from '../spec/normalize.js';
import { type ParamInput, resolveParams } from '../spec/params.js';
import { loadReportFile, parseReportText, validateReport } from '../spec/parse.js';
import type { ReportInput } from '../spec/schema.js';
import { planReport } from './plan.js';
import type { Prepared } from './report.js';

/**
 * A report read (from its file, within `maxReportBytes`, or from `bytes` already read from it),
 * validated, checked, its params resolved and its plan made: what every engine method starts from.
 */
export async function prepareReport(
  input: string | ReportInput,
  opts: { readonly params?: ParamInput | undefined; readonly baseDir?: string | undefined },
  maxReportBytes: number,
  roots: FileRoots | undefined,
  bytes?: Uint8Array,
): Promise<Prepared> {
  const loaded =
    typeof input !== 'string'
      ? { input: input as unknown, file: undefined, baseDir: resolve(opts.baseDir ?? '.') }
      : bytes
        ? {
            input: parseReportText(Buffer.from(bytes).toString('utf8'), input),
            file: input,
            baseDir: dirname(resolve(input)),
          }
        : await loadReportFile(input, maxReportBytes);
  // A large CSV file's reader threads start while the report is validated and planned (the
  // engine starts them for a report given as an object).
  if (typeof input === 'string') void spareReaders(loaded.input, loaded.baseDir, roots);
  const report = validateReport(loaded.input, loaded.file);
  checkReport(report, loaded.file);
  const params = resolveParams(report, opts.params, loaded.file);
  const plan = planReport(report, params);
  return { report, params, plan, baseDir: loaded.baseDir, file: loaded.file, roots };
}
