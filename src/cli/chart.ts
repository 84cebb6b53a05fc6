import { extname } from 'node:path';
import { svgToPng } from '../chart/png.js';
import { svgWithFont } from '../document/fonts-svg.js';
import { createEngine } from '../engine.js';
import { ChartpressError, formatWarning, problem } from '../errors.js';
import { refuseClobber } from './clobber.js';
import type { ChartFlags } from './main.js';
import { ExitCode, type Io, parseParams, printProblems, reportError } from './output.js';
import { writeOutput } from './write.js';

/** `chartpress chart`: one chart file -> SVG or PNG. */
export async function chartCommand(file: string, flags: ChartFlags, io: Io): Promise<number> {
  const engine = createEngine();
  try {
    const ext = extname(flags.output).toLowerCase();
    if (ext !== '.svg' && ext !== '.png') {
      throw new ChartpressError(
        problem('CP_ERR_USAGE', `cannot tell the format of "${flags.output}"`, { hint: 'use .svg or .png' }),
      );
    }
    const scale = /^\d*\.?\d+$/.test(flags.scale) ? Number(flags.scale) : Number.NaN;
    if (!Number.isFinite(scale) || scale <= 0 || scale > 8) {
      throw new ChartpressError(
        problem('CP_ERR_USAGE', `--scale expects a number in (0, 8], got "${flags.scale}"`),
      );
    }
    await refuseClobber([flags.output], flags.data === undefined ? [file] : [file, flags.data]);
    const { svg, chart, inputs, warnings } = await engine.chart(file, {
      data: flags.data,
      params: parseParams(flags.param),
    });
    await refuseClobber([flags.output], inputs);
    // A standalone SVG carries its font; resvg draws the PNG with the bundled font files.
    await writeOutput(flags.output, ext === '.png' ? svgToPng(svg, { scale }) : await svgWithFont(svg));
    for (const w of warnings) io.stderr(formatWarning(w));
    if (chart.error) {
      printProblems(io, [chart.error]);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  } catch (e) {
    return reportError(io, e);
  } finally {
    await engine.close();
  }
}
