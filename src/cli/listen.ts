import { ChartpressError, problem } from '../errors.js';

/** `--port`: a whole number from 0 to 65535 (0: any free port); a usage error otherwise. */
export function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 0 && n <= 65_535) return n;
  throw new ChartpressError(problem('CP_ERR_USAGE', `--port expects 0 to 65535, got "${value}"`));
}

/** `listen` failures (port taken, no such address) as usage errors, not internal ones. */
export function listenError(e: unknown, hint = 'choose another --port or --host'): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES')
    return new ChartpressError(problem('CP_ERR_USAGE', `cannot listen: ${(e as Error).message}`, { hint }));
  return e;
}
