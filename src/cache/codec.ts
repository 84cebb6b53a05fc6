import zlib from 'node:zlib';
import type { Codec, ResolvedCompression } from './options.js';

/**
 * A cache entry is self-describing, so any process (or machine) can check what it reads:
 *
 *   0  "CP"  magic             4  original length (u32 BE)   12  payload
 *   2  format version (1)      8  CRC-32 of the payload (u32 BE)
 *   3  codec (0 none, 1 gzip, 2 brotli)
 *
 * The checksum covers the stored payload, so an entry is verified without inflating it and a
 * gzip payload can go to Typst as it is.
 */
const MAGIC = 0x4350;
const FORMAT = 1;
export const HEADER_BYTES = 12;
const CODEC_IDS: readonly Codec[] = ['none', 'gzip', 'brotli'];

/** An entry that is not what it says it is: it is treated as a miss and deleted. */
export class CorruptEntryError extends Error {
  override readonly name = 'CorruptEntryError';
}

/** A verified entry. `data()` and `text()` inflate at most once, bounded by the original length. */
export interface CacheEntry {
  readonly codec: Codec;
  /** The stored bytes after the header (compressed for gzip and brotli). */
  readonly payload: Uint8Array;
  readonly originalLength: number;
  /** The whole entry as stored, header included. */
  readonly raw: Uint8Array;
  data(): Uint8Array;
  text(): string;
}

/** Encodes bytes as an entry, compressed when they reach the threshold and that saves enough. */
export function encodeEntry(data: Uint8Array, c: ResolvedCompression): Buffer {
  let codec: Codec = 'none';
  let payload: Uint8Array = data;
  if (c.codec !== 'none' && data.byteLength >= c.threshold && data.byteLength > 0) {
    const packed = compress(data, c.codec, c.level);
    if (packed.byteLength <= data.byteLength * (1 - c.minSaving)) {
      codec = c.codec;
      payload = packed;
    }
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  out.writeUInt16BE(MAGIC, 0);
  out[2] = FORMAT;
  out[3] = CODEC_IDS.indexOf(codec);
  out.writeUInt32BE(data.byteLength, 4);
  out.writeUInt32BE(crc32(payload), 8);
  out.set(payload, HEADER_BYTES);
  return out;
}

export function compress(data: Uint8Array, codec: Exclude<Codec, 'none'>, level: number): Buffer {
  return codec === 'gzip'
    ? zlib.gzipSync(data, { level })
    : zlib.brotliCompressSync(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: level,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
        },
      });
}

/**
 * Checks an entry and returns a view of it. With `inflate`, the payload is also inflated now
 * (bounded), so a bad stream is found here rather than later. Throws `CorruptEntryError`.
 */
export function decodeEntry(raw: Uint8Array, maxEntryBytes: number, inflate = false): CacheEntry {
  if (raw.byteLength < HEADER_BYTES) throw new CorruptEntryError('shorter than its header');
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (buf.readUInt16BE(0) !== MAGIC || buf[2] !== FORMAT) throw new CorruptEntryError('not an entry');
  const codec = CODEC_IDS[buf[3] ?? -1];
  if (!codec) throw new CorruptEntryError(`unknown codec ${buf[3]}`);
  const originalLength = buf.readUInt32BE(4);
  if (originalLength > maxEntryBytes)
    throw new CorruptEntryError(`original length ${originalLength} is above the limit ${maxEntryBytes}`);
  const payload = buf.subarray(HEADER_BYTES);
  if (crc32(payload) !== buf.readUInt32BE(8)) throw new CorruptEntryError('checksum mismatch');
  if (codec === 'none' && payload.byteLength !== originalLength)
    throw new CorruptEntryError('length mismatch');
  // gzip ends with the original length mod 2^32; cheap to check without inflating.
  if (
    codec === 'gzip' &&
    (payload.byteLength < 18 || payload.readUInt32LE(payload.byteLength - 4) !== originalLength)
  )
    throw new CorruptEntryError('gzip length mismatch');
  let data: Uint8Array | undefined = codec === 'none' ? payload : undefined;
  let text: string | undefined;
  const entry: CacheEntry = {
    codec,
    payload,
    originalLength,
    raw,
    data: () => {
      data ??= inflatePayload(payload, codec, originalLength);
      return data;
    },
    text: () => {
      text ??= utf8(entry.data());
      return text;
    },
  };
  if (inflate) entry.data();
  return entry;
}

/** An entry made from bytes just encoded: no need to inflate what we still hold. */
export function entryOf(raw: Buffer, data: Uint8Array): CacheEntry {
  const entry = decodeEntry(raw, Number.MAX_SAFE_INTEGER);
  let text: string | undefined;
  return { ...entry, data: () => data, text: () => (text ??= utf8(data)) };
}

/** The original length an entry declares, or 0 when it is not one (for size accounting). */
export function declaredLength(raw: Uint8Array): number {
  if (raw.byteLength < HEADER_BYTES) return 0;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readUInt32BE(4);
}

function utf8(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

function inflatePayload(payload: Buffer, codec: Codec, originalLength: number): Uint8Array {
  // maxOutputLength refuses a bomb: the stream may not grow past what the header declares.
  const options = { maxOutputLength: Math.max(1, originalLength) };
  let out: Buffer;
  try {
    out = codec === 'gzip' ? zlib.gunzipSync(payload, options) : zlib.brotliDecompressSync(payload, options);
  } catch (e) {
    throw new CorruptEntryError(`cannot inflate: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (out.byteLength !== originalLength) throw new CorruptEntryError('inflated length mismatch');
  return out;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let table: Uint32Array | undefined;

/** CRC-32 (zlib's); computed in JS on Node versions before 20.15, which lack `zlib.crc32`. */
export function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
