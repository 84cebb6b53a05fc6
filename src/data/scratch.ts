/**
 * Typed arrays a query reuses from batch to batch. A scan of a million rows in batches of 32k
 * would otherwise allocate hundreds of megabytes of short-lived arrays outside the heap, and
 * each such allocation pushes the collector towards a full collection of a heap that may hold
 * every row. Arrays come back as views of the first `n` items, with stale contents.
 */
export class Scratch {
  readonly #int32 = new Map<string, Int32Array>();
  readonly #uint8 = new Map<string, Uint8Array>();
  readonly #float64 = new Map<string, Float64Array>();

  /** `n` Int32 items named `name` (stale contents). */
  int32(name: string, n: number): Int32Array {
    return take(this.#int32, name, n, (k) => new Int32Array(k));
  }

  /** `n` Uint8 items named `name` (stale contents). */
  uint8(name: string, n: number): Uint8Array {
    return take(this.#uint8, name, n, (k) => new Uint8Array(k));
  }

  /** `n` Float64 items named `name` (stale contents). */
  float64(name: string, n: number): Float64Array {
    return take(this.#float64, name, n, (k) => new Float64Array(k));
  }
}

function take<T extends Int32Array | Uint8Array | Float64Array>(
  kept: Map<string, T>,
  name: string,
  n: number,
  make: (size: number) => T,
): T {
  let a = kept.get(name);
  if (a === undefined || a.length < n) {
    // Room for a somewhat larger batch next time.
    a = make(Math.max(n, Math.ceil((a?.length ?? 0) * 1.5)));
    kept.set(name, a);
  }
  return a.subarray(0, n) as T;
}
