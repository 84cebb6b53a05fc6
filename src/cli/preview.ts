import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ChartpressError, formatProblem, problem } from '../errors.js';
import { createPreview, DEFAULT_PREVIEW_PORT, type Preview, type PreviewEvent } from '../preview/index.js';
import { listenError, portOf } from './listen.js';
import { type Io, parseParams, reportError } from './output.js';

export interface PreviewCliFlags {
  port?: string;
  param: string[];
  open?: boolean;
  /** Folders the report's files may lie under (repeatable). */
  root: string[];
  debounce?: string;
}

/**
 * `chartpress preview`: serves a live preview of the report on 127.0.0.1 until SIGINT or SIGTERM,
 * re-rendering what changed on each save. A line on stderr per render says what it did.
 */
export async function previewCommand(report: string, flags: PreviewCliFlags, io: Io): Promise<number> {
  const name = basename(report);
  // Lines of the renders before the address is printed wait for it.
  let held: string[] | undefined = [];
  const say = (line: string) => (held ? held.push(line) : io.stderr(line));
  let preview: Preview;
  try {
    const params = parseParams(flags.param);
    preview = await createPreview(report, {
      port: portOf(flags.port) ?? DEFAULT_PREVIEW_PORT,
      params,
      ...(flags.root.length > 0 ? { roots: flags.root } : {}),
      ...(flags.debounce !== undefined ? { debounceMs: debounceOf(flags.debounce) } : {}),
      onEvent: (e) => {
        for (const line of eventLines(name, e)) say(line);
      },
    });
  } catch (e) {
    return reportError(io, listenError(e, 'choose another --port (0: any free port)'));
  }
  io.stderr(`chartpress preview: ${name} on ${preview.url} (Ctrl-C to stop)`);
  for (const line of held) io.stderr(line);
  held = undefined;
  if (flags.open) openBrowser(preview.url);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(1);
      stopping = true;
      io.stderr('chartpress preview: stopping');
      preview.close().then(
        () => resolve(0),
        (e: unknown) => resolve(reportError(io, e)),
      );
    };
    // The preview owns its signals: it closes its workers and watchers before exiting.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, stop);
    }
  });
}

/** What a render did, in a line (and its problems, one a line). */
function eventLines(name: string, e: PreviewEvent): string[] {
  if (e.type === 'failed')
    return [`${name}: not rendered; the page shows the problems:`, ...e.problems.map(formatProblem)];
  if (e.type !== 'rendered') return [];
  const { charts, datasets, ms } = e.render.stats;
  const data = datasets.scanned.length ? `read ${datasets.scanned.join(', ')}` : 'no data read';
  const failed = charts.failed ? `, ${charts.failed} failed` : '';
  const drawn = `${charts.rendered} chart${charts.rendered === 1 ? '' : 's'} rendered`;
  return [`${name}: ${drawn}, ${charts.cached} cached${failed}; ${data}; ${Math.round(ms.total)} ms`];
}

function debounceOf(value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 0 && n <= 10_000) return n;
  throw new ChartpressError(problem('CP_ERR_USAGE', `--debounce expects 0 to 10000 (ms), got "${value}"`));
}

/** Opens the page in the desktop's browser; nothing happens where there is none. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser to open: the URL is printed.
  }
}
