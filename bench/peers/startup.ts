/** Start-up: the built CLI's `--version`, `--help` and `schema` against a bare `node -e 0`. */
import { cli, fmtMs, fmtRatio, type GoalDef, goal, Samples, table, timeProcess } from './harness.js';

export const startupGoals = [
  { label: 'start-up: chartpress --version / node -e 0', cmp: 'le', target: 2 },
  { label: 'start-up: chartpress --help / node -e 0', cmp: 'le', target: 2 },
] as const satisfies readonly GoalDef[];

/** `rounds` interleaved rounds of the three processes. */
export function startupSection(rounds: number): void {
  const commands = [
    ['node -e 0', ['-e', '0']],
    ['chartpress --version', [cli, '--version']],
    ['chartpress --help', [cli, '--help']],
    // Loads the report schema: what every command that reads a report starts with.
    ['chartpress schema', [cli, 'schema']],
  ] as const;
  const s = new Samples<string>();
  for (let r = 0; r < rounds; r++) for (const [label, args] of commands) s.add(label, timeProcess(args).ms);
  const base = s.median('node -e 0');
  table(
    `1. start-up: process wall time, median of ${rounds} interleaved rounds`,
    ['command', 'median', '/ node -e 0'],
    commands.map(([label]) => [label, fmtMs(s.median(label)), fmtRatio(s.median(label) / base)]),
  );
  goal(startupGoals[0], s.median('chartpress --version') / base);
  goal(startupGoals[1], s.median('chartpress --help') / base);
}
