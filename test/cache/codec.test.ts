import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CorruptEntryError,
  declaredLength,
  encodeEntry,
  entryOf,
  frameEntry,
  HEADER_BYTES,
  keyBinding,
  OutdatedEntryError,
  verifyEntry,
} from '../../src/cache/codec.js';
import { type ResolvedCompression, resolveCacheOptions } from '../../src/cache/options.js';
import { svgOf } from './store-suite.js';

const gzip = resolveCacheOptions().compression;
const brotli = resolveCacheOptions({ compression: { codec: 'brotli' } }).compression;
const MAX = 64 * 1024 * 1024;
const svg = Buffer.from(svgOf(30_000));
const KEY = 'a'.repeat(64);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** A version-2 entry with the given header fields around a payload; hash and binding by default right. */
function forge(
  codecId: number,
  originalLength: number,
  payload: Buffer,
  o: { key?: string; hashOf?: Uint8Array } = {},
): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + payload.byteLength);
  out.write('CP', 0, 'latin1');
  out[2] = 2;
  out[3] = codecId;
  out.writeUInt32BE(originalLength, 4);
  sha256(o.hashOf ?? (codecId === 0 ? payload : Buffer.alloc(0))).copy(out, 8);
  keyBinding(o.key ?? KEY).copy(out, 40);
  payload.copy(out, HEADER_BYTES);
  return out;
}

describe('cache entries', () => {
  it('describe themselves: magic, format 2, codec, original length, SHA-256, key binding', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    expect(raw.subarray(0, 2).toString('latin1')).toBe('CP');
    expect(raw[2]).toBe(2);
    expect(raw[3]).toBe(1);
    expect(raw.readUInt32BE(4)).toBe(svg.byteLength);
    expect(raw.subarray(8, 40).equals(sha256(svg))).toBe(true);
    expect(raw.subarray(40, 56).equals(sha256(Buffer.from(KEY)).subarray(0, 16))).toBe(true);
    expect(HEADER_BYTES).toBe(56);
  });

  it('are gzip (level 6) or brotli (quality 5) at or above the threshold, and come back whole', () => {
    for (const c of [gzip, brotli]) {
      const entry = verifyEntry(encodeEntry(svg, KEY, c), KEY, MAX);
      expect(entry.codec).toBe(c.codec);
      expect(entry.payload.byteLength).toBeLessThan(svg.byteLength * 0.8);
      expect(entry.text()).toBe(svg.toString());
    }
    expect(resolveCacheOptions().compression).toMatchObject({ codec: 'gzip', level: 6, threshold: 10_240 });
    expect(brotli.level).toBe(5);
  });

  it('stay as they are below the threshold, or when compressing saves less than 20%', () => {
    const small = Buffer.from(svgOf(10_000));
    expect(small.byteLength).toBeLessThan(10_240);
    expect(verifyEntry(encodeEntry(small, KEY, gzip), KEY, MAX).codec).toBe('none');
    // Random bytes over 200 values compress by ~5%; over 16 values, by ~45%.
    const saving = (data: Buffer) => 1 - zlib.gzipSync(data, { level: 6 }).byteLength / data.byteLength;
    const barely = Buffer.from(randomBytes(20_000).map((b) => b % 200));
    const well = Buffer.from(randomBytes(20_000).map((b) => b % 16));
    expect(saving(barely)).toBeLessThan(0.2);
    expect(saving(well)).toBeGreaterThan(0.2);
    expect(verifyEntry(encodeEntry(barely, KEY, gzip), KEY, MAX).codec).toBe('none');
    expect(verifyEntry(encodeEntry(well, KEY, gzip), KEY, MAX).codec).toBe('gzip');
  });

  it('are refused when damaged: hash, truncation, unknown codec or version, wrong magic', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    const flipped = Buffer.from(raw);
    flipped[HEADER_BYTES + 10] = (flipped[HEADER_BYTES + 10] ?? 0) ^ 1;
    const hashFlipped = Buffer.from(raw);
    hashFlipped[8] = (hashFlipped[8] ?? 0) ^ 1;
    const version3 = Buffer.from(raw);
    version3[2] = 3;
    const plain = Buffer.from('<svg/>');
    const cases = [
      flipped,
      hashFlipped,
      version3,
      raw.subarray(0, raw.byteLength - 1),
      raw.subarray(0, 40),
      forge(7, 3, Buffer.from('abc')),
      Buffer.from(`XX${raw.subarray(2).toString('latin1')}`, 'latin1'),
      forge(0, 4, Buffer.from('abc')),
      forge(0, plain.byteLength, plain, { hashOf: Buffer.from('<svg />') }),
    ];
    for (const bad of cases) expect(() => verifyEntry(bad, KEY, MAX)).toThrow(CorruptEntryError);
    expect(verifyEntry(forge(0, plain.byteLength, plain), KEY, MAX).text()).toBe('<svg/>');
  });

  it('belong to the key they were stored under', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    expect(() => verifyEntry(raw, 'b'.repeat(64), MAX)).toThrow(/stored under another key/);
  });

  it('pass the content check, or are refused with its reason', () => {
    const raw = encodeEntry(Buffer.from('<svg><script>alert(1)</script></svg>'), KEY, gzip);
    const check = (text: string) => (text.includes('<script') ? 'a <script> element' : undefined);
    expect(() => verifyEntry(raw, KEY, MAX, check)).toThrow(/refused content: a <script> element/);
    const throwing = () => {
      throw new Error('boom');
    };
    expect(() => verifyEntry(raw, KEY, MAX, throwing)).toThrow(/cannot check it: boom/);
  });

  it('of format version 1 are outdated, not corrupt', () => {
    const v1 = Buffer.alloc(12 + 6);
    v1.write('CP', 0, 'latin1');
    v1[2] = 1;
    v1.writeUInt32BE(6, 4);
    v1.write('<svg/>', 12);
    expect(() => verifyEntry(v1, KEY, MAX)).toThrow(OutdatedEntryError);
  });

  it('refuse a decompression bomb: inflation stops at the declared length', () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const bomb = zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(() => frameEntry(forge(2, 1000, bomb), MAX).data()).toThrow(/cannot inflate/);
    expect(() => verifyEntry(forge(2, 1000, bomb), KEY, MAX)).toThrow(CorruptEntryError);
    const gzipBomb = zlib.gzipSync(zeros, { level: 1 });
    // Its trailer says 20 MiB; declared as 1000 bytes it is refused before any inflating.
    expect(() => verifyEntry(forge(1, 1000, gzipBomb), KEY, MAX)).toThrow(/gzip length mismatch/);
    // A header may not declare more than the limit either.
    expect(() => verifyEntry(forge(2, 100 * 1024 * 1024, bomb), KEY, MAX)).toThrow(/above the limit/);
  });
});

describe('a damaged entry', () => {
  const raw = encodeEntry(svg, KEY, gzip);
  const header = (bytes: number[]) => Buffer.from(bytes);
  const reason = (bad: Uint8Array, max = MAX) => {
    try {
      verifyEntry(bad, KEY, max);
    } catch (e) {
      return e instanceof CorruptEntryError || e instanceof OutdatedEntryError
        ? `${e.name}: ${e.message}`
        : e;
    }
    return 'accepted';
  };

  it('is refused with a reason that names what is wrong', () => {
    const hashFlipped = Buffer.from(raw);
    hashFlipped[8] = (hashFlipped[8] ?? 0) ^ 1;
    const version3 = Buffer.from(raw);
    version3[2] = 3;
    const v1 = Buffer.from(raw);
    v1[2] = 1;
    const cases: [Uint8Array, string][] = [
      [Buffer.alloc(0), 'CorruptEntryError: shorter than its header'],
      [header([0x43]), 'CorruptEntryError: shorter than its header'],
      [header([0x43, 0x50]), 'CorruptEntryError: shorter than its header'],
      // Three bytes are enough to tell garbage or another format from a cut entry.
      [header([0x58, 0x58, 2]), 'CorruptEntryError: not an entry'],
      [header([0x43, 0x50, 3]), 'CorruptEntryError: unknown format version 3'],
      [header([0x43, 0x50, 2, 0, 0]), 'CorruptEntryError: shorter than its header'],
      [raw.subarray(0, HEADER_BYTES - 1), 'CorruptEntryError: shorter than its header'],
      [Buffer.from(`XX${raw.subarray(2).toString('latin1')}`, 'latin1'), 'CorruptEntryError: not an entry'],
      [version3, 'CorruptEntryError: unknown format version 3'],
      [v1, 'OutdatedEntryError: format version 1'],
      [forge(7, 3, Buffer.from('abc')), 'CorruptEntryError: unknown codec 7'],
      [forge(0, 4, Buffer.from('abc')), 'CorruptEntryError: length mismatch'],
      [forge(1, 3, Buffer.from('abc')), 'CorruptEntryError: gzip length mismatch'],
      [hashFlipped, 'CorruptEntryError: SHA-256 mismatch'],
    ];
    for (const [bad, expected] of cases)
      expect(reason(bad), Buffer.from(bad).toString('hex').slice(0, 16)).toBe(expected);
  });

  it('may declare up to the limit, not more', () => {
    expect(reason(raw, svg.byteLength)).toBe('accepted');
    expect(reason(raw, svg.byteLength - 1)).toBe(
      `CorruptEntryError: original length ${svg.byteLength} is above the limit ${svg.byteLength - 1}`,
    );
  });

  it('that inflates to less than it declares is refused, also where only the frame is checked', () => {
    const short = zlib.brotliCompressSync(Buffer.from('<svg/>'));
    expect(() => frameEntry(forge(2, 1000, short), MAX).data()).toThrow(/inflated length mismatch/);
    const cut = zlib.gzipSync(Buffer.from('<svg/>'));
    cut.writeUInt32LE(7, cut.byteLength - 4);
    expect(() => frameEntry(forge(1, 7, cut), MAX).data()).toThrow(CorruptEntryError);
  });

  it('that cannot be inflated says why, with the inflater error as its cause', () => {
    let error: unknown;
    try {
      frameEntry(forge(2, 10, Buffer.from('not brotli at all')), MAX).data();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorruptEntryError);
    expect((error as Error).message).toMatch(/^cannot inflate: /);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('an entry', () => {
  it('may be empty', () => {
    const empty = encodeEntry(Buffer.alloc(0), KEY, { ...gzip, threshold: 0 });
    expect(empty.byteLength).toBe(HEADER_BYTES);
    const entry = verifyEntry(empty, KEY, MAX);
    expect([entry.codec, entry.text()]).toEqual(['none', '']);
  });

  it('is stored as it is with codec none, however large', () => {
    const none = resolveCacheOptions({ compression: { codec: 'none' } }).compression;
    const raw = encodeEntry(svg, KEY, none);
    expect(raw.byteLength).toBe(HEADER_BYTES + svg.byteLength);
    const entry = verifyEntry(raw, KEY, MAX);
    expect(entry.codec).toBe('none');
    expect(Buffer.from(entry.payload).equals(svg)).toBe(true);
  });

  it('is compressed from exactly the threshold on', () => {
    const at = svg.subarray(0, gzip.threshold);
    expect(verifyEntry(encodeEntry(at, KEY, gzip), KEY, MAX).codec).toBe('gzip');
    expect(verifyEntry(encodeEntry(at.subarray(1), KEY, gzip), KEY, MAX).codec).toBe('none');
  });

  it('is compressed when that saves exactly the minimum saving', () => {
    // Zeros (that compress to nothing) then bytes that do not compress: find the length at which
    // gzip saves exactly 25% (a saving written exactly in binary).
    const noise = Buffer.alloc(4000);
    let seed = 7;
    for (let i = 0; i < noise.byteLength; i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      noise[i] = seed >>> 24;
    }
    const c = { ...gzip, threshold: 0, minSaving: 0.25 };
    const exact = Array.from({ length: 3000 }, (_, k) => Buffer.concat([Buffer.alloc(k), noise])).find(
      (data) => zlib.gzipSync(data, { level: c.level }).byteLength === data.byteLength * (1 - c.minSaving),
    );
    expect(exact).toBeDefined();
    expect(verifyEntry(encodeEntry(exact!, KEY, c), KEY, MAX).codec).toBe('gzip');
    expect(
      verifyEntry(encodeEntry(exact!, KEY, { ...c, minSaving: c.minSaving + 0.001 }), KEY, MAX).codec,
    ).toBe('none');
  });

  it('is compressed at the level asked', () => {
    const size = (c: ResolvedCompression) => encodeEntry(svg, KEY, c).byteLength;
    expect(size({ ...gzip, level: 1 })).toBeGreaterThan(size({ ...gzip, level: 9 }));
    expect(size({ ...brotli, level: 1 })).toBeGreaterThan(size({ ...brotli, level: 5 }));
    // Each level as zlib makes it: nothing else changes the bytes.
    expect(encodeEntry(svg, KEY, { ...gzip, level: 1 }).subarray(HEADER_BYTES)).toEqual(
      zlib.gzipSync(svg, { level: 1 }),
    );
  });

  it('that passes the content check is served', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    const seen: string[] = [];
    const entry = verifyEntry(raw, KEY, MAX, (text) => {
      seen.push(text);
      return undefined;
    });
    expect(entry.text()).toBe(svg.toString());
    expect(seen).toEqual([svg.toString()]);
  });

  it('just written serves the bytes it was made of, as bytes and as text', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    const entry = entryOf(raw, svg);
    expect(entry.codec).toBe('gzip');
    expect(entry.data()).toBe(svg);
    expect(entry.text()).toBe(svg.toString());
    expect(entry.text()).toBe(svg.toString());
  });

  it('declares its original length for size accounting; anything shorter than that field declares 0', () => {
    const raw = encodeEntry(svg, KEY, gzip);
    expect(declaredLength(raw)).toBe(svg.byteLength);
    expect(declaredLength(raw.subarray(0, 8))).toBe(svg.byteLength);
    expect(declaredLength(new Uint8Array(raw.subarray(0, 8)))).toBe(svg.byteLength);
    expect(declaredLength(raw.subarray(0, 7))).toBe(0);
    expect(declaredLength(new Uint8Array(0))).toBe(0);
  });
});
