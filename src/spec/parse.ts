import { dirname, extname, resolve } from 'node:path';
import { ChartpressError, problem } from '../errors.js';
import { checkDepth, findDeepJson, tooDeep } from './depth.js';
import { rememberInheritance, resolveExtends } from './extends.js';
import { problemsFromIssues } from './issues.js';
import { DEFAULT_MAX_REPORT_BYTES } from './limits.js';
import { readRegularFile } from './read.js';
import { Report } from './schema.js';
import { applyReportTimezone } from './timezone.js';
import { parseYaml } from './yaml.js';

export { DEFAULT_MAX_REPORT_BYTES };

/** A report file read from disk, not yet validated. */
export interface LoadedReport {
  readonly input: unknown;
  /** The file as the user named it, for messages. */
  readonly file: string;
  /** Folder that dataset paths are relative to. */
  readonly baseDir: string;
}

/**
 * Reads a YAML or JSON report file (or chart file: `label` names it in messages). Throws
 * `ChartpressError` for a missing, unreadable, huge, too deeply nested or malformed file, or one
 * that is not a regular file.
 */
export async function loadReportFile(
  file: string,
  maxBytes = DEFAULT_MAX_REPORT_BYTES,
  label = 'report file',
): Promise<LoadedReport> {
  const text = (await readRegularFile(file, maxBytes, label)).toString('utf8');
  return { input: parseReportText(text, file), file, baseDir: dirname(resolve(file)) };
}

/**
 * Parses report text: JSON for `.json` files, YAML (a superset of JSON) otherwise. Nesting past
 * `MAX_DEPTH` levels and values that contain themselves (YAML aliases) are `CP_ERR_TOO_DEEP`.
 */
export function parseReportText(text: string, file = '<report>'): unknown {
  const input = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYaml(text, file);
  checkDepth(input, file);
  return input;
}

function parseJson(text: string, file: string): unknown {
  const deep = findDeepJson(text);
  if (deep) throw tooDeep(deep, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ChartpressError(problem('CP_ERR_PARSE', `invalid JSON: ${(e as Error).message}`, { file }));
  }
}

/**
 * Validates a parsed report against the schema; every problem is reported, not just the first.
 * A report nested past `MAX_DEPTH` levels or containing itself is `CP_ERR_TOO_DEEP` first; then
 * charts that `extends:` others are resolved (see `resolveExtends`), and validated whole. The
 * report's `timezone` is then given to every query that sets none (see `applyReportTimezone`).
 */
export function validateReport(input: unknown, file?: string): Report {
  checkDepth(input, file);
  const { input: resolved, inheritance } = resolveExtends(input, file);
  // Inherited parts are shared, not copied: count them at each use, as the schema will walk them.
  if (inheritance) checkDepth(resolved, file);
  const result = Report.safeParse(resolved);
  if (!result.success) {
    const problems = problemsFromIssues(result.error.issues, resolved, file);
    throw new ChartpressError(inheritance ? inheritance.attribute(problems) : problems);
  }
  rememberInheritance(result.data, inheritance);
  applyReportTimezone(result.data);
  return result.data;
}
