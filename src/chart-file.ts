import { basename, dirname, extname, resolve } from 'node:path';
import { ChartpressError, problem } from './errors.js';
import { problemsFromIssues } from './spec/issues.js';
import type { ReportMemo } from './spec/memo.js';
import { checkReport } from './spec/normalize.js';
import { parseReportText, validateReport } from './spec/parse.js';
import { readRegularFile } from './spec/read.js';
import { ChartSpec, Dataset, type Report, type ReportInput } from './spec/schema.js';

/** A chart file turned into a one-chart report, validated and checked. */
export interface LoadedChartFile {
  readonly id: string;
  readonly report: Report;
  readonly baseDir: string;
}

/**
 * Reads a chart file: a chart definition (as under `charts:`), plus either a `dataset:` field or
 * a data file given on the command line, whose name replaces `data.from`. The report made of it
 * is taken from `memo` when the same text was read before with the same data file.
 */
export async function loadChartFile(
  file: string,
  dataFile: string | undefined,
  maxBytes: number,
  memo?: ReportMemo,
): Promise<LoadedChartFile> {
  const text = (await readRegularFile(file, maxBytes, 'chart file')).toString('utf8');
  const id = basename(file, extname(file));
  const dataset = dataFile !== undefined ? datasetFromFile(dataFile) : undefined;
  const validate = () => {
    const report = validateReport(chartReport(parseReportText(text, file), { id, file, dataset }), file);
    checkReport(report, file);
    return report;
  };
  return {
    id,
    report: memo
      ? memo.get(['chart', file, dataFile === undefined ? '' : resolve(dataFile)], text, validate)
      : validate(),
    baseDir: dataFile !== undefined ? process.cwd() : dirname(resolve(file)),
  };
}

/**
 * A chart definition (as under `charts:`, with a `dataset:` field unless `dataset` is given) made
 * a one-chart report whose chart is `id`; every problem with it is thrown at once.
 */
export function chartReport(
  input: unknown,
  where: { id: string; file?: string | undefined; dataset?: Dataset | undefined },
): ReportInput {
  const { id, file } = where;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', 'a chart file must hold one chart definition', { file }),
    );
  }
  // `$schema` points an editor at a schema; chartpress ignores it, as in a report.
  const { dataset: datasetInput, $schema: _schema, ...rest } = input as Record<string, unknown>;
  const data = (rest.data ?? {}) as Record<string, unknown>;
  const from = typeof data.from === 'string' ? data.from : 'data';
  const spec = { ...rest, data: { ...data, from } };
  const problems = [];
  const parsed = ChartSpec.safeParse(spec);
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, spec, file));
  let dataset = where.dataset;
  if (dataset === undefined && datasetInput !== undefined) {
    const ds = Dataset.safeParse(datasetInput);
    if (ds.success) dataset = ds.data;
    else
      problems.push(
        ...problemsFromIssues(ds.error.issues, { dataset: datasetInput }, file).map((p) => ({
          ...p,
          path: `dataset${p.path ? `.${p.path}` : ''}`,
        })),
      );
  } else if (dataset === undefined) {
    problems.push(
      problem('CP_ERR_MISSING_FIELD', 'the chart has no data', {
        file,
        path: 'dataset',
        hint: 'add a `dataset:` field or pass --data file.csv',
      }),
    );
  }
  if (problems.length || !parsed.success || !dataset) throw new ChartpressError(problems);
  return {
    title: parsed.data.title ?? id,
    datasets: { [from]: dataset },
    charts: { [id]: parsed.data },
    body: [{ chart: id }],
  };
}

/** The dataset a `--data` file names: read by the streaming source for its format. */
function datasetFromFile(path: string): Dataset {
  const full = resolve(path);
  switch (extname(path).toLowerCase()) {
    case '.tsv':
      return { source: 'csv', path: full, delimiter: '\t' };
    case '.ndjson':
    case '.jsonl':
      return { source: 'ndjson', path: full };
    case '.json':
      return { source: 'json', path: full };
    default:
      return { source: 'csv', path: full };
  }
}
