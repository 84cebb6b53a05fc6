import { z } from 'zod';
import { VERSION } from '../version.js';
import { Block, ChartSpec, ChartType, Report } from './schema.js';

/**
 * The JSON Schema of the report format, for editors; generated from the zod schemas. It follows
 * JSON Schema draft 2020-12 (`$schema`) and names itself with a URN that carries the chartpress
 * version (`$id`), since the format may grow between versions. A report may point at a saved copy
 * with a top-level `"$schema": "./chartpress.schema.json"`.
 *
 * The schema compiles in Ajv's strict mode, and a mistake yields one error where it is made:
 * charts and datasets pick their variant by `type` / `source` with `if`/`then` (not `oneOf`,
 * which reports every variant that failed), and body blocks by the key that tells them apart.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Report, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // The generated object is the one placed in the schema: it is changed in place.
      const json = ctx.jsonSchema as Json;
      const def = ctx.zodSchema._zod.def;
      if (def.type === 'union' && 'discriminator' in def && typeof def.discriminator === 'string') {
        byDiscriminator(json, def.discriminator, def.options);
      }
      if (ctx.zodSchema === ChartSpec) orExtending(json);
      if ((ctx.zodSchema as z.core.$ZodType) === Block) byBlockKey(json);
    },
  }) as Json;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:chartpress:report:${VERSION}`,
    title: 'chartpress report',
    description: `A chartpress ${VERSION} report: its datasets, charts and body.`,
    ...withoutMeta(withoutTypeLists(schema) as Json),
  };
}

type Json = Record<string, unknown>;

/** The schema without the keys set above, so that they come first. */
function withoutMeta(schema: Json): Json {
  const { $schema: _schema, $id: _id, title: _title, description: _description, ...rest } = schema;
  return rest;
}

/**
 * A union told apart by one field (`type`, `source`): the field is checked once, against the
 * list of its values, and each variant applies only when the field names it. A typo in the
 * field is then one error (not one per variant), and so is a wrong field of the variant named.
 */
function byDiscriminator(json: Json, key: string, options: readonly z.core.$ZodType[]): void {
  const branches = json.oneOf ?? json.anyOf;
  if (!Array.isArray(branches) || branches.length !== options.length) return;
  const values = options.map((o) => [...(o._zod.propValues?.[key] ?? [])][0]);
  if (values.some((v) => typeof v !== 'string')) return;
  delete json.oneOf;
  delete json.anyOf;
  json.type = 'object';
  const field = (options[0] as { _zod: { def: { shape?: Record<string, z.core.$ZodType> } } })._zod.def
    .shape?.[key];
  const description = field && z.globalRegistry.get(field)?.description;
  json.properties = { [key]: { type: 'string', enum: values, ...(description && { description }) } };
  json.required = [key];
  json.allOf = branches.map((then, i) => ({
    if: { properties: { [key]: { const: values[i] } }, required: [key] },
    then,
  }));
}

/** The keys of a body block that tell the kinds apart, in the order of the union's branches. */
const BLOCK_KEYS = ['heading', 'text', 'chart', 'row', 'when', 'table', 'pagebreak'] as const;

/**
 * A body block: the kind is the one of `BLOCK_KEYS` it holds, so each kind's schema applies only
 * to blocks holding its key (a wrong field of a heading is one error, not one per kind of block);
 * a block holding none of them fails the first test.
 */
function byBlockKey(json: Json): void {
  const branches = json.anyOf;
  if (!Array.isArray(branches) || branches.length !== BLOCK_KEYS.length) return;
  delete json.anyOf;
  json.type = 'object';
  json.allOf = [
    { anyOf: BLOCK_KEYS.map((k) => has(k)) },
    ...branches.map((then, i) => ({ if: has(BLOCK_KEYS[i] as string), then })),
  ];
}

/** Holds `key` (strict mode wants a required key declared beside `required`). */
function has(key: string): Json {
  return { properties: { [key]: true }, required: [key] };
}

/**
 * A chart as written: a whole chart, or one that `extends` another and gives only what differs
 * (its fields are checked once merged, so here they need only be of the right kind).
 */
function orExtending(chart: Json): void {
  const extending = {
    type: 'object',
    description: 'A chart that extends another: only `extends` is required.',
    properties: {
      extends: {
        type: 'string',
        minLength: 1,
        description: 'Name of a chart under `charts:` this one starts from.',
      },
      type: {
        type: 'string',
        enum: Object.keys(ChartType),
        description: 'Chart type. Defaults to the type of the chart extended.',
      },
      title: { type: 'string', description: 'Title above the chart. Defaults to the one extended.' },
      data: { type: 'object', description: 'Query fields merged over those of the chart extended.' },
      encode: { type: 'object', description: 'Channels merged over those of the chart extended.' },
      options: { type: 'object', description: 'Options merged over those of the chart extended.' },
      facet: { type: 'object', description: 'Facet fields merged over those of the chart extended.' },
    },
    required: ['extends'],
    additionalProperties: false,
  };
  // `id` is zod's name for the definition, which it removes from the top level only.
  const { description, id: _id, ...whole } = chart;
  for (const key of Object.keys(chart)) delete chart[key];
  Object.assign(chart, {
    description,
    type: 'object',
    if: has('extends'),
    then: extending,
    else: whole,
  });
}

/**
 * The schema with each list of types (`type: ["string", "number"]`, which zod writes for a union
 * of plain types) spelled as `anyOf` one type each: Ajv's strict mode refuses type lists.
 */
function withoutTypeLists(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutTypeLists);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    // A property named `type` holds a schema (an object), never a list: it is left alone.
    if (key !== 'type' || !Array.isArray(value)) out[key] = withoutTypeLists(value);
  }
  if (Array.isArray((node as Json).type)) {
    const types = { anyOf: ((node as Json).type as unknown[]).map((type) => ({ type })) };
    // Keep an `anyOf` already there: both must hold.
    if (out.anyOf === undefined) Object.assign(out, types);
    else out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), types];
  }
  return out;
}
