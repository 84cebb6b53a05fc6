import { runCli } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs the CLI in process with captured output. */
export async function cli(...argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, {
    stdout: (l) => stdout.push(...l.split('\n')),
    stderr: (l) => stderr.push(...l.split('\n')),
    interactive: false,
  });
  return { code, stdout, stderr };
}
