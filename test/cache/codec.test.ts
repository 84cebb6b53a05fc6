import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CorruptEntryError, crc32, decodeEntry, encodeEntry, HEADER_BYTES } from '../../src/cache/codec.js';
import { resolveCacheOptions } from '../../src/cache/options.js';
import { svgOf } from './store-suite.js';

const gzip = resolveCacheOptions().compression;
const brotli = resolveCacheOptions({ compression: { codec: 'brotli' } }).compression;
const MAX = 64 * 1024 * 1024;
const svg = Buffer.from(svgOf(30_000));

/** An entry with the given header fields around a payload, with a right checksum. */
function forge(codecId: number, originalLength: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + payload.byteLength);
  out.write('CP', 0, 'latin1');
  out[2] = 1;
  out[3] = codecId;
  out.writeUInt32BE(originalLength, 4);
  out.writeUInt32BE(crc32(payload), 8);
  payload.copy(out, HEADER_BYTES);
  return out;
}

describe('cache entries', () => {
  it('describe themselves: magic, format, codec, original length, checksum', () => {
    const raw = encodeEntry(svg, gzip);
    expect(raw.subarray(0, 2).toString('latin1')).toBe('CP');
    expect(raw[2]).toBe(1);
    expect(raw[3]).toBe(1);
    expect(raw.readUInt32BE(4)).toBe(svg.byteLength);
    expect(raw.readUInt32BE(8)).toBe(zlib.crc32(raw.subarray(HEADER_BYTES)));
  });

  it('are gzip (level 6) or brotli (quality 5) at or above the threshold, and come back whole', () => {
    for (const c of [gzip, brotli]) {
      const entry = decodeEntry(encodeEntry(svg, c), MAX, true);
      expect(entry.codec).toBe(c.codec);
      expect(entry.payload.byteLength).toBeLessThan(svg.byteLength * 0.8);
      expect(entry.text()).toBe(svg.toString());
    }
    expect(resolveCacheOptions().compression).toMatchObject({ codec: 'gzip', level: 6, threshold: 10_240 });
    expect(brotli.level).toBe(5);
  });

  it('keep a gzip payload that Typst can read as it is, without inflating it', () => {
    const entry = decodeEntry(encodeEntry(svg, gzip), MAX);
    expect(zlib.gunzipSync(entry.payload).equals(svg)).toBe(true);
  });

  it('stay as they are below the threshold, or when compressing saves less than 20%', () => {
    const small = Buffer.from(svgOf(10_000));
    expect(small.byteLength).toBeLessThan(10_240);
    expect(decodeEntry(encodeEntry(small, gzip), MAX).codec).toBe('none');
    // Random bytes over 200 values compress by ~5%; over 16 values, by ~45%.
    const saving = (data: Buffer) => 1 - zlib.gzipSync(data, { level: 6 }).byteLength / data.byteLength;
    const barely = Buffer.from(randomBytes(20_000).map((b) => b % 200));
    const well = Buffer.from(randomBytes(20_000).map((b) => b % 16));
    expect(saving(barely)).toBeLessThan(0.2);
    expect(saving(well)).toBeGreaterThan(0.2);
    expect(decodeEntry(encodeEntry(barely, gzip), MAX).codec).toBe('none');
    expect(decodeEntry(encodeEntry(well, gzip), MAX).codec).toBe('gzip');
  });

  it('are refused when damaged: checksum, truncation, unknown codec, wrong magic', () => {
    const raw = encodeEntry(svg, gzip);
    const flipped = Buffer.from(raw);
    flipped[HEADER_BYTES + 10] = (flipped[HEADER_BYTES + 10] ?? 0) ^ 1;
    const cases = [
      flipped,
      raw.subarray(0, raw.byteLength - 1),
      raw.subarray(0, 5),
      forge(7, 3, Buffer.from('abc')),
      Buffer.from(`XX${raw.subarray(2).toString('latin1')}`, 'latin1'),
      forge(0, 4, Buffer.from('abc')),
    ];
    for (const bad of cases) expect(() => decodeEntry(bad, MAX)).toThrow(CorruptEntryError);
  });

  it('refuse a decompression bomb: inflation stops at the declared length', () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const bomb = zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
    const entry = decodeEntry(forge(2, 1000, bomb), MAX);
    expect(() => entry.data()).toThrow(/cannot inflate/);
    expect(() => decodeEntry(forge(2, 1000, bomb), MAX, true)).toThrow(CorruptEntryError);
    const gzipBomb = zlib.gzipSync(zeros, { level: 1 });
    // Its trailer says 20 MiB; declared as 1000 bytes it is refused before any inflating.
    expect(() => decodeEntry(forge(1, 1000, gzipBomb), MAX)).toThrow(/gzip length mismatch/);
    // A header may not declare more than the limit either.
    expect(() => decodeEntry(forge(2, 100 * 1024 * 1024, bomb), MAX)).toThrow(/above the limit/);
  });

  it('computes the same CRC-32 as zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
