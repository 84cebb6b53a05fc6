#!/usr/bin/env node
/**
 * The `chartpress` command as built (`dist/cli/main.js`). The CLI's code is a set of scripts in
 * `lib/` beside this file: the same modules and lazy chunks as an ES module build, made into
 * CommonJS by scripts/bundle.mjs. This file loads them itself, each compiled with V8's code
 * cache (`<script>.cache`, written at build time by scripts/train-cli.mjs after running the CLI
 * on a chart and the example report). With the cache, a cold process neither parses nor
 * compiles the JavaScript it runs; a command still loads only the chunks it uses.
 *
 * A cache file is read as untrusted bytes: it carries a SHA-256 of its script's source and of
 * the V8 data, and is used only when both match. V8 then checks its own version and flags, and
 * rejects a cache made by another Node. Any cache that is missing, stale, damaged or rejected
 * costs time only: that script is compiled from its source.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { isProcessEntry } from './entry.js';

/**
 * V8 flags of a CLI process, set before any script is compiled: a code cache is valid only under
 * the flags it was made with. WebAssembly (the font subsetter) is compiled by the baseline
 * compiler only: the optimizing tier would recompile it in the background, and the process
 * waits for that at exit (about 0.3 s) for no gain on a few subsets.
 */
const V8_FLAGS = '--liftoff-only';

/** The first bytes of a cache file; the SHA-256 of the script and the data follows, then V8's data. */
const MAGIC = Buffer.from('chartpress code cache 1\n');
const DIGEST_BYTES = 32;

/** How a script was compiled: with its cache, or why without it. */
export type CodeCacheUse = 'used' | 'missing' | 'invalid' | 'rejected' | 'off';

/** One script of the CLI, as loaded in this process. */
export interface LoadedScript {
  readonly file: string;
  readonly script: Script;
  readonly cache: CodeCacheUse;
  readonly exports: Record<string, unknown>;
}

const libDir = fileURLToPath(new URL('./lib/', import.meta.url));
/** The CLI's entry script. */
export const entryScript = join(libDir, 'main.cjs');

const loaded = new Map<string, { record: LoadedScript; module: { exports: Record<string, unknown> } }>();
let useCache = true;

function digest(source: Buffer, data: Uint8Array): Buffer {
  return createHash('sha256').update(source).update(data).digest();
}

/** The V8 data in a script's cache file, when the file is one of ours and was made for `source`. */
function verifiedCache(file: string, source: Buffer): { data?: Buffer; use: CodeCacheUse } {
  if (!useCache) return { use: 'off' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${file}.cache`);
  } catch {
    return { use: 'missing' };
  }
  const start = MAGIC.length + DIGEST_BYTES;
  if (bytes.length <= start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { use: 'invalid' };
  const data = bytes.subarray(start);
  const ok = digest(source, data).equals(bytes.subarray(MAGIC.length, start));
  return ok ? { data, use: 'used' } : { use: 'invalid' };
}

/** `require` inside a script: another script of the CLI by its relative path, else Node's. */
function requireFrom(file: string): (specifier: string) => unknown {
  const node = createRequire(file);
  return (specifier) =>
    specifier.startsWith('./') && specifier.endsWith('.js')
      ? load(resolve(dirname(file), specifier.replace(/\.js$/, '.cjs')))
      : node(specifier);
}

/** Compiles and runs one script once, as CommonJS does a module (a cycle sees partial exports). */
function load(file: string): Record<string, unknown> {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  const source = readFileSync(file);
  const found = verifiedCache(file, source);
  // Strict, as the ES modules the scripts were made from.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __cpUrl) {"use strict";${source.toString('utf8')}\n})`,
    { filename: file, cachedData: found.data },
  );
  const module = { exports: {} as Record<string, unknown> };
  const cache = found.data && script.cachedDataRejected === true ? 'rejected' : found.use;
  loaded.set(file, { record: { file, script, cache, exports: module.exports }, module });
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  // `__cpUrl` stands for `import.meta.url` in the scripts: this module's URL, from which they
  // find the render worker (`../pool/worker.js`) and node_modules, as the ES module build does.
  run(module.exports, requireFrom(file), module, file, dirname(file), import.meta.url);
  return module.exports;
}

/**
 * Loads the CLI's entry script (and, through it, what the command needs). `cache: false`
 * compiles every script from its source alone (the build does, before it writes the caches).
 * When this module is the process's entry, the CLI sees itself as the main module and runs
 * the command line.
 */
export function loadCli(options: { cache?: boolean } = {}): Record<string, unknown> {
  setFlagsFromString(V8_FLAGS);
  useCache = options.cache !== false;
  return load(entryScript);
}

/** Every script this process has loaded, in the order it loaded them. */
export function loadedScripts(): LoadedScript[] {
  return [...loaded.values()].map(({ record }) => record);
}

/** A script's cache file as of now: header, digest, and the data V8 has for it. */
export function codeCacheBytes(loadedScript: LoadedScript): Buffer {
  const data = loadedScript.script.createCachedData();
  return Buffer.concat([MAGIC, digest(readFileSync(loadedScript.file), data), data]);
}

if (isProcessEntry(import.meta.url)) loadCli();
