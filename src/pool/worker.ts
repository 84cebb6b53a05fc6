/**
 * Worker entry: draws one chart per task, or the charts of a batch one after another. ECharts is
 * imported as the worker starts, before it reports ready, so a warm worker renders at once.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapStatistics } from 'node:v8';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { renderChartSvg } from '../chart/render.js';
import { isChartpressError } from '../errors.js';
import {
  type BatchReply,
  type BatchTask,
  isBatchTask,
  PING,
  type RenderReply,
  type RenderTask,
  type StartedMessage,
  type WorkerReply,
  type WorkerState,
} from './messages.js';
import { drawSvg, loadRenderer } from './renderers.js';

const encoder = new TextEncoder();

/** The batch drawn last: the next one begins after it. */
let turn: Promise<unknown> = Promise.resolve();

export default function render(task: RenderTask | BatchTask | typeof PING): Promise<WorkerReply> {
  if (task === PING) return Promise.resolve({ kind: 'ready', ...state() });
  if (!isBatchTask(task)) return drawChart(task).then((reply) => moved(reply, [reply]));
  // The pool hands a worker its next batch before this one is done. They are drawn in turn, a
  // turn of the event loop apart, so that the reply to one leaves before the next begins.
  const run = turn.then(() => nextTurn()).then(() => drawBatch(task.batch));
  turn = run.catch(() => undefined);
  return run;
}

async function drawBatch(tasks: readonly RenderTask[]): Promise<WorkerReply> {
  const replies: RenderReply[] = [];
  for (const task of tasks) replies.push(await drawChart(task));
  return moved({ kind: 'batch', replies, ...state() } satisfies BatchReply, replies);
}

/** Draws one chart; never throws: a failure is a reply. */
async function drawChart(task: RenderTask): Promise<RenderReply> {
  parentPort?.postMessage({ type: 'chartpress:started', seq: task.seq, threadId } satisfies StartedMessage);
  try {
    const draw = task.renderer === undefined ? renderChartSvg : await loadRenderer(task.renderer);
    // A buffer of its own (not Buffer's shared pool), so that it can be transferred.
    return { kind: 'drawn', bytes: encoder.encode(drawSvg(draw, task.chart, task.frame)), ...state() };
  } catch (e) {
    // Errors lose their class crossing threads: send the problems as data.
    const problems = isChartpressError(e) ? e.problems : undefined;
    return { kind: 'failed', message: describe(e), problems, ...state() };
  }
}

/** The reply, with the SVG bytes of its drawn charts transferred back, not copied. */
function moved<R extends WorkerReply>(reply: R, replies: readonly RenderReply[]): R {
  const buffers = replies.flatMap((r) => (r.kind === 'drawn' ? [r.bytes.buffer] : []));
  if (buffers.length === 0) return reply;
  return move({ [transferableSymbol]: buffers, [valueSymbol]: reply } as never) as unknown as R;
}

/** What a thrown value says of itself; a renderer may throw a value that cannot be printed. */
function describe(e: unknown): string {
  try {
    return e instanceof Error ? String(e.message) : String(e);
  } catch {
    return 'it threw a value that cannot be printed';
  }
}

function state(): WorkerState {
  return { threadId, heapUsed: getHeapStatistics().used_heap_size };
}
