/**
 * Worker entry: draws one chart per task. ECharts is imported as the worker starts, before it
 * reports ready, so a warm worker renders at once.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { renderChartSvg } from '../chart/render.js';
import { isChartpressError } from '../errors.js';
import { PING, type RenderReply, type RenderTask, type StartedMessage } from './messages.js';
import { drawSvg, loadRenderer } from './renderers.js';

const encoder = new TextEncoder();

export default async function render(task: RenderTask | typeof PING): Promise<RenderReply | number> {
  if (task === PING) return threadId;
  parentPort?.postMessage({ type: 'chartpress:started', seq: task.seq, threadId } satisfies StartedMessage);
  let reply: RenderReply;
  try {
    const draw = task.renderer === undefined ? renderChartSvg : await loadRenderer(task.renderer);
    // A buffer of its own (not Buffer's shared pool), so that it can be transferred.
    reply = { ok: true, bytes: encoder.encode(drawSvg(draw, task.chart, task.frame)), ...state() };
  } catch (e) {
    // Errors lose their class crossing threads: send the problems as data.
    const problems = isChartpressError(e) ? e.problems : undefined;
    reply = { ok: false, message: e instanceof Error ? e.message : String(e), problems, ...state() };
  }
  if (!reply.ok) return reply;
  // The SVG bytes are transferred back, not copied.
  return move({
    [transferableSymbol]: [reply.bytes.buffer],
    [valueSymbol]: reply,
  } as never) as unknown as RenderReply;
}

function state(): { threadId: number; heapUsed: number } {
  return { threadId, heapUsed: getHeapStatistics().used_heap_size };
}
