import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReportText } from '../../src/spec/parse.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
let n = 0;

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type Json = Record<string, unknown>;

let schema: Json;
let validate: Validate;

beforeAll(async () => {
  const run = await cli('schema');
  expect(run.code).toBe(0);
  schema = JSON.parse(run.stdout.join('\n')) as Json;
  // Strict mode refuses what editors would silently ignore: unknown keywords, type lists,
  // `required` keys that no `properties` declares, keywords that do not apply to the type.
  validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema) as Validate;
});

/** A small valid report; `yaml` is appended to it (later keys of a map replace earlier ones). */
const BASE = `title: T
datasets:
  d: { source: inline, rows: [{ a: x, b: 1 }] }
charts:
  c: { type: bar, data: { from: d }, encode: { x: a, y: b } }
body:
  - chart: c
`;

/** Errors that say what is wrong, without those of `if`/`anyOf` that only wrap them. */
function errorsOf(input: unknown): ErrorObject[] {
  if (validate(input)) return [];
  return (validate.errors ?? []).filter((e) => !['if', 'anyOf', 'oneOf'].includes(e.keyword));
}

describe('the JSON Schema of `chartpress schema`', () => {
  it('compiles with Ajv in strict mode', () => {
    expect(typeof validate).toBe('function');
  });

  it("accepts every example's report", () => {
    const examples = join(import.meta.dirname, '../../examples');
    const reports = readdirSync(examples, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(examples, d.name, 'report.yaml'))
      .filter((f) => existsSync(f));
    expect(reports.length).toBeGreaterThan(0);
    for (const report of reports) {
      const input = parseReportText(readFileSync(report, 'utf8'), report);
      expect({ report, errors: errorsOf(input) }).toEqual({ report, errors: [] });
    }
  });

  it('accepts charts that extend others, params, every block and every source', () => {
    const input = parseReportText(`title: T
params:
  region: { type: string, default: EMEA, values: [EMEA, APAC] }
  n: { type: number, default: 3 }
  detail: { type: boolean, default: null }
datasets:
  a: { source: inline, rows: [{ a: x, b: 1 }], columns: { b: number } }
  b: { source: csv, path: b.csv, delimiter: ";" }
  c: { source: ndjson, path: c.ndjson }
  d: { source: json, path: d.json, columns: { t: { type: date, format: "%Y" } } }
  e: { source: sqlite, path: e.db, table: t }
  f: { source: postgres, url: "postgres://x/y", query: select 1, timeoutMs: 1000 }
  g: { source: parquet, path: "sales/2025-*.parquet", memoryLimitMb: 512, threads: 2 }
  h: { source: duckdb, path: h.duckdb, table: t }
  i: { source: duckdb, query: "select * from 'logs/*.csv'" }
charts:
  c: { type: line, data: { from: a, filter: [{ field: a, value: { param: region } }] }, encode: { x: a, y: b } }
  e: { extends: c, title: E, options: { smooth: true } }
  s: { extends: c, type: sparkline }
body:
  - heading: H
    level: 2
  - text: "**bold**"
  - chart: e
    caption: C
  - row: [{ chart: c }, { chart: { type: pie, data: { from: a }, encode: { x: a, y: b } } }]
  - when: { param: region, eq: EMEA }
    then: [{ pagebreak: true }]
    else: [{ table: { data: { from: a }, columns: [a, { field: b, format: ",.0f" }], fill: 0 } }]
`);
    expect(errorsOf(input)).toEqual([]);
  });

  it('accepts combo, heatmap, boxplot and kpi charts with their options', () => {
    const input = parseReportText(`title: T
datasets:
  a: { source: inline, rows: [{ m: 2025-01-01, g: x, v: 1, w: 0.2 }] }
charts:
  combo: { type: combo, data: { from: a }, encode: { x: m, y: v, y2: w }, options: { marks: [bar, line], dualAxis: true, y2Format: ".0%", y2Title: Margin, y2: { zero: false }, rules: [{ y: 1 }] } }
  heat: { type: heatmap, data: { from: a }, encode: { x: m, y: g, color: v }, options: { labels: true, colorScale: diverging, legend: bottom } }
  box: { type: boxplot, data: { from: a }, encode: { x: g, y: v, series: g }, options: { whisker: minmax, outliers: false, y: { zero: true } } }
  kpi: { type: kpi, data: { from: a }, encode: { x: m, y: v, y2: w }, options: { compare: 1000, delta: both, better: lower, compareLabel: vs plan, sparkline: false } }
body:
  - row: [{ chart: kpi }, { chart: box }]
  - chart: combo
  - chart: heat
`);
    expect(errorsOf(input)).toEqual([]);
  });

  it('accepts calculate, timezone, aggregates with where and having', () => {
    const input = parseReportText(`title: T
datasets:
  a: { source: inline, rows: [{ d: 5, c: 3, t: 2025-01-01T10:00:00Z }] }
charts:
  c:
    type: bar
    data:
      from: a
      calculate: { late: "d > 15", h: "hour(t)" }
      timezone: Europe/Paris
      groupBy: [h]
      aggregate: { n: { op: count }, l: { op: count, where: [{ field: late, op: eq, value: true }] } }
      having: [{ field: n, op: gte, value: 1 }]
    encode: { x: h, y: n }
body:
  - chart: c
`);
    expect(errorsOf(input)).toEqual([]);
    const bad = parseReportText(BASE.replace('data: { from: d }', 'data: { from: d, calculate: { x: 1 } }'));
    expect(errorsOf(bad).map((e) => e.instancePath)).toEqual(['/charts/c/data/calculate/x']);
  });

  // One error where the mistake is, not one per kind of chart (or dataset, or block); and the
  // same one from chartpress itself.
  const broken: { name: string; from: string; to: string; at: string; error: Json; cli: string }[] = [
    {
      name: 'a typo in a chart type',
      from: 'type: bar,',
      to: 'type: bars,',
      at: '/charts/c/type',
      error: { keyword: 'enum' },
      cli: 'CP_ERR_INVALID_ENUM charts.c.type: expected one of bar|line|area|pie|scatter|sparkline|gantt|combo|heatmap|boxplot|kpi, got "bars"',
    },
    {
      name: 'a mark a combo does not draw',
      from: 'type: bar, data: { from: d }, encode: { x: a, y: b } }',
      to: 'type: combo, data: { from: d }, encode: { x: a, y: b, y2: b }, options: { marks: [bar, pie] } }',
      at: '/charts/c/options/marks/1',
      error: { keyword: 'enum' },
      cli: 'CP_ERR_INVALID_ENUM charts.c.options.marks[1]: expected one of bar|line|area, got "pie"',
    },
    {
      name: 'an option of another chart type on a kpi',
      from: 'type: bar,',
      to: 'type: kpi, options: { stacked: true },',
      at: '/charts/c/options',
      error: { keyword: 'additionalProperties', params: { additionalProperty: 'stacked' } },
      cli: 'CP_ERR_UNKNOWN_FIELD charts.c.options.stacked: unknown field "stacked"',
    },
    {
      name: 'an unknown option of a bar chart',
      from: 'type: bar,',
      to: 'type: bar, options: { colour: red },',
      at: '/charts/c/options',
      error: { keyword: 'additionalProperties', params: { additionalProperty: 'colour' } },
      cli: 'CP_ERR_UNKNOWN_FIELD charts.c.options.colour: unknown field "colour"',
    },
    {
      name: 'a typo in a dataset source',
      from: 'source: inline,',
      to: 'source: cvs,',
      at: '/datasets/d/source',
      error: { keyword: 'enum' },
      cli: 'CP_ERR_INVALID_ENUM datasets.d.source: expected one of inline|csv|ndjson|json|sqlite|postgres|parquet|duckdb, got "cvs"',
    },
    {
      name: 'an unknown field of a dataset',
      from: 'source: inline,',
      to: 'source: inline, delim: ";",',
      at: '/datasets/d',
      error: { keyword: 'additionalProperties', params: { additionalProperty: 'delim' } },
      cli: 'CP_ERR_UNKNOWN_FIELD datasets.d.delim: unknown field "delim"',
    },
    {
      name: 'an unknown field of a body block',
      from: '- chart: c',
      to: '- chart: c\n    captoin: C',
      at: '/body/0',
      error: { keyword: 'additionalProperties', params: { additionalProperty: 'captoin' } },
      cli: 'CP_ERR_UNKNOWN_FIELD body[0].captoin: unknown field "captoin"',
    },
  ];
  it.each(broken)('reports $name once', async ({ from, to, at, error, cli: line }) => {
    expect(BASE).toContain(from);
    const text = BASE.replace(from, to);
    const errors = errorsOf(parseReportText(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ instancePath: at, ...error });

    const file = tmp.write(`r${n++}.yaml`, text);
    const run = await cli('data', file);
    expect(run.code).toBe(1);
    const lines = run.stderr.filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.replace(` ${file}:`, '').replace(/ \(hint: .*\)$/, '')).toBe(line);
  });

  it('refuses a param default that is not a plain value', () => {
    const input = parseReportText(`${BASE}params:\n  p: { default: { a: 1 } }\n`);
    expect(errorsOf(input).map((e) => e.instancePath)).toContain('/params/p/default');
  });

  it('describes every field', () => {
    const defs = schema.$defs as Record<string, Json>;
    const described = (s: unknown): boolean => {
      if (s === true) return true;
      const node = s as Json;
      if (typeof node.description === 'string') return true;
      const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace('#/$defs/', '')] : undefined;
      return typeof ref?.description === 'string';
    };
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        // An `if` is a test on the data, not a field to document.
        if (key === 'if') continue;
        if (key === 'properties') {
          for (const [field, s] of Object.entries(value as Json)) {
            if (!described(s)) missing.push(`${path}.${field}`);
          }
        }
        walk(value, `${path}/${key}`);
      }
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });
});
