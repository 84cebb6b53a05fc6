import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { Codec, ResolvedCompression } from './options.js';

/**
 * A cache entry is self-describing and bound to its key, so any process (or machine) can check
 * what it reads:
 *
 *   0  "CP"  magic               4  original length (u32 BE)
 *   2  format version (2)        8  SHA-256 of the original (uncompressed) bytes, 32 bytes
 *   3  codec (0 none, 1 gzip,   40  key binding: the first 16 bytes of SHA-256(key)
 *      2 brotli)                56  payload
 *
 * The hash covers what a document receives, so it is checked after inflating; the binding makes
 * an entry copied under another key a corrupt one rather than the wrong picture.
 */
const MAGIC = 0x4350;
const FORMAT = 2;
const HASH_AT = 8;
const BINDING_AT = 40;
const BINDING_BYTES = 16;
export const HEADER_BYTES = 56;
const CODEC_IDS: readonly Codec[] = ['none', 'gzip', 'brotli'];

/** An entry that is not what it says it is: it is treated as a miss and deleted. */
export class CorruptEntryError extends Error {
  override readonly name = 'CorruptEntryError';
}

/** An entry written in an earlier format: a miss, replaced by the next write. */
export class OutdatedEntryError extends Error {
  override readonly name = 'OutdatedEntryError';
}

/**
 * What an entry's content must pass to be served from a shared tier: a reason to refuse it, or
 * `undefined` when it is fine.
 */
export type ContentCheck = (text: string) => string | undefined;

/** An entry. `data()` and `text()` inflate at most once, bounded by the original length. */
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

/** Encodes bytes as an entry for `key`, compressed when they reach the threshold and that saves enough. */
export function encodeEntry(data: Uint8Array, key: string, c: ResolvedCompression): Buffer {
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
  out.set(sha256(data), HASH_AT);
  out.set(keyBinding(key), BINDING_AT);
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
 * Verifies an entry read from a tier that other processes can write (a folder, Redis): its
 * frame (magic, version, codec, declared length within `maxEntryBytes`), that it was stored under
 * `key`, its payload inflated within the declared length, the SHA-256 of the result, and its
 * content by `check`. Returns it inflated. Throws `CorruptEntryError`, or `OutdatedEntryError`
 * for an entry of an earlier format.
 */
export function verifyEntry(
  raw: Uint8Array,
  key: string,
  maxEntryBytes: number,
  check?: ContentCheck,
): CacheEntry {
  const entry = frameEntry(raw, maxEntryBytes);
  const header = bufferOf(raw);
  if (!header.subarray(BINDING_AT, BINDING_AT + BINDING_BYTES).equals(keyBinding(key)))
    throw new CorruptEntryError('stored under another key');
  const data = entry.data();
  if (!header.subarray(HASH_AT, BINDING_AT).equals(sha256(data)))
    throw new CorruptEntryError('SHA-256 mismatch');
  if (!check) return entry;
  let problem: string | undefined;
  try {
    problem = check(entry.text());
  } catch (e) {
    problem = `cannot check it: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (problem !== undefined) throw new CorruptEntryError(`refused content: ${problem}`);
  return entry;
}

/**
 * Checks an entry's frame only (magic, version, codec, declared length) and returns a view whose
 * payload is inflated, bounded, when first read. For the memory tier, which holds only entries
 * this process wrote or verified.
 */
export function frameEntry(raw: Uint8Array, maxEntryBytes: number): CacheEntry {
  if (raw.byteLength < 3) throw new CorruptEntryError('shorter than its header');
  const buf = bufferOf(raw);
  if (buf.readUInt16BE(0) !== MAGIC) throw new CorruptEntryError('not an entry');
  if (buf[2] !== FORMAT) {
    if (buf[2] === 1) throw new OutdatedEntryError('format version 1');
    throw new CorruptEntryError(`unknown format version ${buf[2]}`);
  }
  if (raw.byteLength < HEADER_BYTES) throw new CorruptEntryError('shorter than its header');
  const codec = CODEC_IDS[buf[3] ?? -1];
  if (!codec) throw new CorruptEntryError(`unknown codec ${buf[3]}`);
  const originalLength = buf.readUInt32BE(4);
  if (originalLength > maxEntryBytes)
    throw new CorruptEntryError(`original length ${originalLength} is above the limit ${maxEntryBytes}`);
  const payload = buf.subarray(HEADER_BYTES);
  if (codec === 'none' && payload.byteLength !== originalLength)
    throw new CorruptEntryError('length mismatch');
  // gzip ends with the original length mod 2^32: a bomb declared small is refused before inflating.
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
  return entry;
}

/** An entry made from bytes just encoded: no need to inflate what we still hold. */
export function entryOf(raw: Buffer, data: Uint8Array): CacheEntry {
  const entry = frameEntry(raw, Number.MAX_SAFE_INTEGER);
  let text: string | undefined;
  return { ...entry, data: () => data, text: () => (text ??= utf8(data)) };
}

/** The original length an entry declares, or 0 when it is not one (for size accounting). */
export function declaredLength(raw: Uint8Array): number {
  if (raw.byteLength < 8) return 0;
  return bufferOf(raw).readUInt32BE(4);
}

/** The first 16 bytes of SHA-256(key), kept in the header of the entry stored under `key`. */
export function keyBinding(key: string): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, BINDING_BYTES);
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function bufferOf(raw: Uint8Array): Buffer {
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

function utf8(data: Uint8Array): string {
  return bufferOf(data).toString('utf8');
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
