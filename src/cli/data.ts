import { createEngine } from '../engine.js';
import { formatWarning } from '../errors.js';
import { ExitCode, type Io, parseParams, reportError } from './output.js';

/**
 * `chartpress data`: the aggregated rows of each reached chart and table, as one JSON object by
 * id (see `Engine.data`); warnings on stderr, as `render` prints them.
 */
export async function dataCommand(reportFile: string, flags: { param: string[] }, io: Io): Promise<number> {
  const engine = createEngine();
  try {
    const data = await engine.data(reportFile, {
      params: parseParams(flags.param),
      onWarning: (w) => io.stderr(formatWarning(w)),
    });
    io.stdout(JSON.stringify(data, null, 2));
    return ExitCode.ok;
  } catch (e) {
    return reportError(io, e);
  } finally {
    await engine.close();
  }
}
