import { ChartpressError, formatProblem, isChartpressError, type Problem, problem } from '../errors.js';

/** Exit codes: 0 success, 1 bad input or a failed chart, 2 usage errors. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export interface Io {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Whether stderr is a terminal (progress bar). */
  readonly interactive: boolean;
}

export const processIo: Io = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
};

/** Prints problems one per line on stderr. */
export function printProblems(io: Io, problems: readonly Problem[]): void {
  for (const p of problems) io.stderr(formatProblem(p));
}

/**
 * Turns a thrown error into lines on stderr and an exit code: a user mistake prints its problems
 * without a stack trace; anything else is a bug and prints its stack.
 */
export function reportError(io: Io, e: unknown): number {
  if (isChartpressError(e)) {
    printProblems(io, e.problems);
    return e.code === 'CP_ERR_USAGE' ? ExitCode.usage : ExitCode.failed;
  }
  io.stderr(`chartpress: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return ExitCode.failed;
}

/** A one-line progress bar on a terminal; silent elsewhere. */
export function progressBar(
  io: Io,
  enabled: boolean,
  unit = 'charts',
): { update(done: number, total: number): void; end(): void } {
  if (!enabled || !io.interactive) return { update() {}, end() {} };
  let shown = false;
  return {
    update(done, total) {
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** `k=v` pairs from repeated `--param` flags. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  // No prototype: `__proto__=1` is a name like any other (and then an unknown param).
  const out: Record<string, string> = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new ChartpressError(
        problem('CP_ERR_USAGE', `--param expects name=value, got "${pair}"`, {
          hint: 'e.g. --param region=EU',
        }),
      );
    }
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
