#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { ChartpressError, problem } from '../errors.js';
import { VERSION } from '../version.js';
import { isProcessEntry } from './entry.js';
import { ExitCode, type Io, processIo, reportError } from './output.js';
import { installSignalCleanup } from './write.js';

const collect = (value: string, previous: string[]) => [...previous, value];

// Each command's module (and the engine behind it) is loaded only when that command runs, so
// `--version` and `--help` load commander and little else.

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = ExitCode.ok;
  const program = new Command()
    .name('chartpress')
    .description('Turns a report definition and its data into a PDF or HTML document with charts.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s.trimEnd()),
      writeErr: (s) => io.stderr(s.trimEnd()),
      // Usage errors are printed once, in the CP_ERR_* form, below.
      outputError: () => {},
    });

  program
    .command('render')
    .description('render a report to PDF, HTML or Typst source')
    .argument('<report>', 'report file (.yaml, .yml or .json)')
    .requiredOption('-o, --output <file>', 'output file: .pdf, .html or .typ')
    .addOption(
      new Option('--format <format>', 'output format (default: from the output file name)').choices([
        'pdf',
        'html',
        'typ',
      ]),
    )
    .option('--param <name=value>', 'set a report param (repeatable)', collect, [])
    .option(
      '--interactive',
      'HTML: charts with tooltips, legend toggling and zoom (embeds the ECharts runtime once); PDF ignores it',
    )
    .option(
      '--each <param[=dataset.field]>',
      "a document for each value of a param (its values:, or a dataset column); -o names them, e.g. 'out/{store}.pdf'",
    )
    .option('--resume', 'with --each: skip the documents the manifest lists as written whole')
    .option(
      '--queue <url>',
      'with --each: queue the documents on Redis for `chartpress worker` processes, and wait',
    )
    .option('--detach', 'with --queue: print the batch id and return at once')
    .option('--slice <n>', 'with --queue: values per job (default: 10)')
    .option('--queue-prefix <name>', 'with --queue: the key prefix of the queue (default: chartpress)')
    .option('--no-cache', 'render every chart; read and write no cache')
    .option(
      '--no-reuse',
      'render even when the report, its params and data files are unchanged (charts may still come from the cache)',
    )
    .option('--cache-dir <dir>', 'cache folder (default: .chartpress-cache in the current folder)')
    .option('--redis <url>', 'also keep charts in Redis, e.g. redis://127.0.0.1:6379')
    .option(
      '--concurrency <n>',
      'worker threads at most, up to 4 × the CPU count; 1 renders in process (default: CPU count)',
    )
    .option(
      '--chart-timeout <ms>',
      'stop a chart that renders longer than this, in a worker (default: 10000)',
    )
    .addOption(
      new Option('--stats <format>', 'print run statistics as the last line of stdout').choices(['json']),
    )
    .option('--timings', 'print the time per phase and the five slowest charts')
    .option('-q, --quiet', 'print nothing but errors (and --stats)')
    .action(async (report: string, opts: RenderFlags) => {
      code = await (await import('./render.js')).renderCommand(report, opts, io);
    });

  program
    .command('chart')
    .description('render one chart file to SVG or PNG')
    .argument('<chart>', 'chart file (.yaml, .yml or .json)')
    .requiredOption('-o, --output <file>', 'output file: .svg or .png')
    .option('--data <file>', 'data file: .csv, .json or .ndjson')
    .option('--param <name=value>', 'set a param (repeatable)', collect, [])
    .option('--scale <n>', 'PNG pixel ratio', '2')
    .action(async (chart: string, opts: ChartFlags) => {
      code = await (await import('./chart.js')).chartCommand(chart, opts, io);
    });

  program
    .command('data')
    .description('print the aggregated data of each chart and table as JSON')
    .argument('<report>', 'report file')
    .option('--param <name=value>', 'set a report param (repeatable)', collect, [])
    .action(async (report: string, opts: { param: string[] }) => {
      code = await (await import('./data.js')).dataCommand(report, opts, io);
    });

  program
    .command('worker')
    .description('render jobs from the Redis queue (render --each --queue) until SIGTERM')
    .requiredOption('--redis <url>', 'the queue and chart cache, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'jobs at once (default: 1; each renders two documents at a time)')
    .option('--root <dir>', 'read report and data files, and write documents, only under this folder')
    .option(
      '--lock-ms <n>',
      'a job held this long without word from its worker goes to another (default: 30000)',
    )
    .option('--queue-prefix <name>', 'the key prefix of the queue (default: chartpress)')
    .action(async (opts: import('./worker.js').WorkerFlags) => {
      code = await (await import('./worker.js')).workerCommand(opts, io);
    });

  program
    .command('jobs')
    .description("list the queue's counts and failed jobs")
    .requiredOption('--redis <url>', 'the queue, e.g. redis://127.0.0.1:6379')
    .option('--retry', 'queue the failed jobs again')
    .option('--queue-prefix <name>', 'the key prefix of the queue (default: chartpress)')
    .action(async (opts: { redis: string; retry?: boolean; queuePrefix?: string }) => {
      code = await (await import('./jobs.js')).jobsCommand(opts, io);
    });

  program
    .command('serve')
    .description('serve reports and charts over HTTP (see the README, Service)')
    .option('--port <n>', 'port to listen on (default: 3000)')
    .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
    .option('--root <dir>', 'folder of the files requests may read; reports in <root>/reports (default: .)')
    .option('--redis <url>', 'share the chart cache with other servers through Redis')
    .option('--config <file>', 'server config file (YAML or JSON): connections, limits, tokens')
    .option('--token-file <file>', 'require a bearer token from this file (one per line)')
    .option('--cache-dir <dir>', 'disk cache folder (default: <root>/.chartpress-cache)')
    .option('--no-cache', 'no disk cache (charts are still kept in memory)')
    .action(async (opts: import('./serve.js').ServeCliFlags) => {
      code = await (await import('./serve.js')).serveCommand(opts, io);
    });

  program
    .command('preview')
    .description('serve a live preview of a report on 127.0.0.1, updated on every save')
    .argument('<report>', 'report file (.yaml, .yml or .json)')
    .option('--port <n>', 'port to listen on; 0 picks a free one (default: 4000)')
    .option('--param <name=value>', 'set a report param to start with (repeatable)', collect, [])
    .option('--open', 'open the page in the default browser')
    .option(
      '--root <dir>',
      "a folder the report's files may lie under (repeatable; default: the report's folder and the current folder)",
      collect,
      [],
    )
    .option('--debounce <ms>', 'quiet time after a save before rendering (default: 20)')
    .action(async (report: string, opts: import('./preview.js').PreviewCliFlags) => {
      code = await (await import('./preview.js')).previewCommand(report, opts, io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the report format')
    .action(async () => {
      code = (await import('./schema.js')).schemaCommand(io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return ExitCode.ok;
      }
      reportError(io, new ChartpressError(problem('CP_ERR_USAGE', e.message.replace(/^error: /, ''))));
      return ExitCode.usage;
    }
    return reportError(io, e);
  }
  return code;
}

export interface RenderFlags {
  output: string;
  /** `--each param` or `--each param=dataset.field`: one document per value. */
  each?: string;
  resume?: boolean;
  /** With --each: the Redis URL of the job queue. */
  queue?: string;
  detach?: boolean;
  slice?: string;
  queuePrefix?: string;
  format?: 'pdf' | 'html' | 'typ';
  param: string[];
  /** Live charts in HTML (`--interactive`); the report's `interactive:` otherwise. */
  interactive?: boolean;
  /** False with `--no-cache`. */
  cache: boolean;
  /** False with `--no-reuse`: no stored document is written again, and none is kept. */
  reuse: boolean;
  cacheDir?: string;
  redis?: string;
  /** Worker threads at most (`--concurrency`). */
  concurrency?: string;
  /** Per-chart timeout in ms (`--chart-timeout`). */
  chartTimeout?: string;
  stats?: 'json';
  /** Print the time per phase and the five slowest charts (`--timings`). */
  timings?: boolean;
  quiet?: boolean;
}

export interface ChartFlags {
  output: string;
  data?: string;
  param: string[];
  scale: string;
}

if (isProcessEntry(import.meta.url)) {
  // Only the command-line process owns its signals: a library user keeps theirs.
  installSignalCleanup();
  // A CLI process is short-lived: WebAssembly (the font subsetter, 0.7 MB) is compiled by the
  // baseline compiler only. The optimizing tier would recompile it in the background, and the
  // process waits for that at exit: about 0.3 s for no gain on a few subsets.
  setFlagsFromString('--liftoff-only');
  // `chartpress schema | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(processIo, e);
    },
  );
}
