import type { ErrorCode } from '../errors.js';
import { visitBlocks } from './blocks.js';
import type { Report } from './schema.js';
import { hasTemplate, PARAMS, parseTemplate, positionOf } from './template.js';

type At = (code: ErrorCode, message: string, path: string, hint?: string) => void;

const HINT =
  "write {{ name.field }}, {{ name[2].field }} or {{ name[field=value].field }}, optionally | currency, percent(n), number(n), date('%b %Y') or a quoted format";

/**
 * Checks the `{{ }}` references of every heading, text and caption of the body (whatever its
 * `when` conditions): each is well-formed and names a chart under `charts:`, a query under
 * `values:` or a declared param (`params.<name>`); and no value is named as a chart.
 */
export function checkTemplates(report: Report, at: At): void {
  const values = Object.keys(report.values ?? {});
  const charts = Object.keys(report.charts);
  const params = Object.keys(report.params ?? {});
  for (const name of values) {
    if (charts.includes(name) || name === PARAMS)
      at(
        'CP_ERR_TEMPLATE',
        name === PARAMS ? 'a value may not be named "params"' : `value "${name}" has the name of a chart`,
        `values.${name}`,
        'rename it',
      );
  }
  const check = (text: string | undefined, path: string) => {
    if (text === undefined || !hasTemplate(text)) return;
    const parts = parseTemplate(text);
    if (!Array.isArray(parts)) {
      at('CP_ERR_TEMPLATE', `${positionOf(text, parts.offset)}: ${parts.message}`, path, HINT);
      return;
    }
    for (const p of parts) {
      if (typeof p === 'string') continue;
      if (p.name === PARAMS) {
        if (p.row.kind !== 'index' || p.row.index !== 0)
          at(
            'CP_ERR_TEMPLATE',
            `{{ ${p.source} }}: params have no rows; write {{ params.name }}`,
            path,
            HINT,
          );
        else if (!params.includes(p.field))
          at('CP_ERR_UNKNOWN_PARAM', `{{ ${p.source} }}: param "${p.field}" is not declared`, path);
        continue;
      }
      if (values.includes(p.name) || charts.includes(p.name)) continue;
      const known = [...charts, ...values];
      at(
        'CP_ERR_TEMPLATE',
        `{{ ${p.source} }}: no chart or value is named "${p.name}"`,
        path,
        known.length ? `defined charts and values: ${known.join(', ')}` : 'define it under `values:`',
      );
    }
  };
  visitBlocks<never>(report.body, 'body', {
    heading: (b, { path }) => void check(b.heading, `${path}.heading`),
    text: (b, { path }) => void check(b.text, `${path}.text`),
    chart: (b, { path }) => void check(b.caption, `${path}.caption`),
  });
}
