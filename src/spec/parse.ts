import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ChartpressError, type Problem, problem } from '../errors.js';
import { problemsFromIssues } from './issues.js';
import { Report } from './schema.js';

/** Largest report file read, in bytes. Defaults to 5 MiB: data belongs in datasets. */
export const DEFAULT_MAX_REPORT_BYTES = 5 * 1024 * 1024;

/** A report file read from disk, not yet validated. */
export interface LoadedReport {
  readonly input: unknown;
  /** The file as the user named it, for messages. */
  readonly file: string;
  /** Folder that dataset paths are relative to. */
  readonly baseDir: string;
}

/** Reads a YAML or JSON report file. Throws `ChartpressError` for a missing, huge or malformed file. */
export async function loadReportFile(
  file: string,
  maxBytes = DEFAULT_MAX_REPORT_BYTES,
): Promise<LoadedReport> {
  const full = resolve(file);
  let size: number;
  try {
    size = (await stat(full)).size;
  } catch {
    throw new ChartpressError(problem('CP_ERR_FILE_NOT_FOUND', `report file not found: ${full}`, { file }));
  }
  if (size > maxBytes) {
    throw new ChartpressError(
      problem('CP_ERR_FILE_TOO_LARGE', `report file is ${size} bytes; the limit is ${maxBytes}`, { file }),
    );
  }
  const text = await readFile(full, 'utf8');
  return { input: parseReportText(text, file), file, baseDir: dirname(full) };
}

/** Parses report text: JSON for `.json` files, YAML (a superset of JSON) otherwise. */
export function parseReportText(text: string, file = '<report>'): unknown {
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ChartpressError(problem('CP_ERR_PARSE', `invalid JSON: ${(e as Error).message}`, { file }));
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((err) => {
      const pos = err.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
      const message = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
      return problem('CP_ERR_PARSE', `invalid YAML: ${where}${message}`, { file });
    });
    throw new ChartpressError(problems);
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

/** Validates a parsed report against the schema; every problem is reported, not just the first. */
export function validateReport(input: unknown, file?: string): Report {
  const result = Report.safeParse(input);
  if (!result.success) throw new ChartpressError(problemsFromIssues(result.error.issues, input, file));
  return result.data;
}
