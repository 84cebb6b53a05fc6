import { z } from 'zod';
import { VERSION } from '../version.js';
import { ChartSpec, ChartType, Report } from './schema.js';

/**
 * The JSON Schema of the report format, for editors; generated from the zod schemas. It follows
 * JSON Schema draft 2020-12 (`$schema`) and names itself with a URN that carries the chartpress
 * version (`$id`), since the format may grow between versions. A report may point at a saved copy
 * with a top-level `"$schema": "./chartpress.schema.json"`.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Report, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // The generated object is the one placed in the schema: it is changed in place.
      if (ctx.zodSchema === ChartSpec) orExtending(ctx.jsonSchema);
    },
  }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:chartpress:report:${VERSION}`,
    title: 'chartpress report',
    description: `A chartpress ${VERSION} report: its datasets, charts and body.`,
    ...withoutMeta(schema),
  };
}

/** The schema without the keys set above, so that they come first. */
function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, title: _title, description: _description, ...rest } = schema;
  return rest;
}

/**
 * A chart as written: a whole chart, or one that `extends` another and gives only what differs
 * (its fields are checked once merged, so here they need only be of the right kind).
 */
function orExtending(chart: Record<string, unknown>): void {
  const extending = {
    type: 'object',
    description: 'A chart that extends another: only `extends` is required.',
    properties: {
      extends: {
        type: 'string',
        minLength: 1,
        description: 'Name of a chart under `charts:` this one starts from.',
      },
      type: { type: 'string', enum: Object.keys(ChartType) },
      title: { type: 'string' },
      data: { type: 'object' },
      encode: { type: 'object' },
      options: { type: 'object' },
    },
    required: ['extends'],
    additionalProperties: false,
  };
  const { description: _, ...whole } = chart;
  for (const key of Object.keys(whole)) delete chart[key];
  chart.anyOf = [whole, extending];
}
