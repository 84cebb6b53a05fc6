import { reportJsonSchema } from '../spec/json-schema.js';
import { ExitCode, type Io } from './output.js';

/** `chartpress schema`: the JSON Schema of the report format. */
export function schemaCommand(io: Io): number {
  io.stdout(JSON.stringify(reportJsonSchema(), null, 2));
  return ExitCode.ok;
}
