/**
 * Worker entry: draws one chart per task. ECharts is imported as the worker starts, before it
 * reports ready, so a warm worker renders at once.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { renderChartSvg } from '../chart/render.js';
import { isChartpressError } from '../errors.js';
import {
  PING,
  type RenderReply,
  type RenderTask,
  type StartedMessage,
  type WorkerReply,
  type WorkerState,
} from './messages.js';
import { drawSvg, loadRenderer } from './renderers.js';

const encoder = new TextEncoder();

export default async function render(task: RenderTask | typeof PING): Promise<WorkerReply> {
  if (task === PING) return { kind: 'ready', ...state() };
  parentPort?.postMessage({ type: 'chartpress:started', seq: task.seq, threadId } satisfies StartedMessage);
  let reply: RenderReply;
  try {
    const draw = task.renderer === undefined ? renderChartSvg : await loadRenderer(task.renderer);
    // A buffer of its own (not Buffer's shared pool), so that it can be transferred.
    reply = { kind: 'drawn', bytes: encoder.encode(drawSvg(draw, task.chart, task.frame)), ...state() };
  } catch (e) {
    // Errors lose their class crossing threads: send the problems as data.
    const problems = isChartpressError(e) ? e.problems : undefined;
    reply = { kind: 'failed', message: e instanceof Error ? e.message : String(e), problems, ...state() };
  }
  if (reply.kind === 'failed') return reply;
  // The SVG bytes are transferred back, not copied.
  return move({
    [transferableSymbol]: [reply.bytes.buffer],
    [valueSymbol]: reply,
  } as never) as unknown as RenderReply;
}

function state(): WorkerState {
  return { threadId, heapUsed: getHeapStatistics().used_heap_size };
}
