import { z } from 'zod';
import { Report } from './schema.js';

/** The JSON Schema of the report format, for editors; generated from the zod schemas. */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Report, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'chartpress-report.schema.json', title: 'chartpress report' };
}
