/**
 * Bytes of fields that are not as written in the file: quoted fields with doubled quotes
 * (`""` read as `"`). A field there is `[start, end)` of `bytes`.
 */
export class Scratch {
  bytes = Buffer.allocUnsafe(4096);
  /** Bytes in use. */
  used = 0;

  /** Appends the bytes `buf[s..e)`; returns where they start. */
  append(buf: Buffer, s: number, e: number): number {
    const from = this.used;
    this.#reserve(e - s);
    buf.copy(this.bytes, from, s, e);
    this.used = from + e - s;
    return from;
  }

  /** Appends the quoted text `buf[s..e)` with each `""` as one quote; returns where it starts. */
  unescape(buf: Buffer, s: number, e: number): number {
    const from = this.used;
    const out = this.#reserve(e - s);
    let k = from;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      out[k++] = c;
      if (c === 0x22) i++;
    }
    this.used = k;
    return from;
  }

  #reserve(more: number): Buffer {
    if (this.used + more > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + more));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    return this.bytes;
  }
}
