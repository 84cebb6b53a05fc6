import { type Column, type Frame, TimeColumn } from '../frame.js';

/**
 * A frame ready to post to a worker, and the buffers to transfer with it. Numeric columns cross
 * as `Float64Array`s: a column that owns its whole buffer is transferred as it is when the
 * caller hands the frame over (`owned`), leaving it detached; any other is copied once into a
 * buffer of its own, which is transferred. Text columns are structured-cloned.
 */
export function packFrame(frame: Frame, owned: boolean): { frame: Frame; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const columns: Record<string, Column> = {};
  for (const name of frame.fields) {
    const col = frame.columns[name];
    if (col === undefined) continue;
    if (!(col instanceof Float64Array)) {
      // A worker gets timestamps as texts (a class does not survive the structured clone).
      columns[name] = col instanceof TimeColumn ? col.values : col;
      continue;
    }
    const whole =
      col.buffer instanceof ArrayBuffer && col.byteOffset === 0 && col.byteLength === col.buffer.byteLength;
    // Two columns on one buffer, or a shared frame, must not be detached under their owner.
    const moved = owned && whole && !transfer.has(col.buffer as ArrayBuffer) ? col : col.slice();
    transfer.add(moved.buffer as ArrayBuffer);
    columns[name] = moved;
  }
  return { frame: { fields: [...frame.fields], columns, length: frame.length }, transfer: [...transfer] };
}
