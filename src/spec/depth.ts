import { ChartpressError, formatPath, problem } from '../errors.js';
import { MAX_DEPTH, MAX_VALUES } from './limits.js';

/** A key or index on the way to a value. */
export type Segment = string | number;

/** `CP_ERR_TOO_DEEP` for a container found past the limit, at `path`. */
export function tooDeep(
  path: readonly Segment[],
  file: string | undefined,
  limit = MAX_DEPTH,
): ChartpressError {
  return new ChartpressError(
    problem('CP_ERR_TOO_DEEP', `nests deeper than ${limit} levels`, { file, path: formatPath(path) }),
  );
}

/**
 * Refuses a value that nests objects and arrays deeper than `limit` levels (the root is level 1)
 * or contains itself: `CP_ERR_TOO_DEEP` at the path where the limit was passed, or at the
 * reference that closes the cycle. Run before validation, so that neither the schema nor the
 * cache key nor the chart options merge ever walk an unbounded or endless structure.
 *
 * A subtree reached more than once (YAML aliases, shared objects) is walked again only when it
 * would now pass the limit, so the check is linear in the number of distinct containers.
 */
export function checkDepth(value: unknown, file?: string, limit = MAX_DEPTH, maxValues = MAX_VALUES): void {
  if (!isContainer(value)) return;
  /** Height (levels, the container itself included) of each container already checked. */
  const heights = new WeakMap<object, number>();
  /** Values in each container checked, itself included, shared parts counted at each use. */
  const sizes = new WeakMap<object, number>();
  /** Containers on the current path, with the length of the path that leads to each. */
  const open = new Map<object, number>();
  const path: Segment[] = [];

  const visit = (node: object, level: number): number => {
    const known = heights.get(node);
    if (known !== undefined && level + known - 1 <= limit) {
      size += sizes.get(node) ?? 1;
      if (size > maxValues) throw tooMany(path, file, maxValues);
      return known;
    }
    const ancestor = open.get(node);
    if (ancestor !== undefined) {
      const target = formatPath(path.slice(0, ancestor)) || 'the root';
      throw new ChartpressError(
        problem('CP_ERR_TOO_DEEP', `refers to itself: this value is ${target}, which contains it`, {
          file,
          path: formatPath(path),
        }),
      );
    }
    if (level > limit) throw tooDeep(path, file, limit);
    open.set(node, path.length);
    const before = size;
    size++;
    let height = 1;
    const child = (key: Segment, v: unknown) => {
      if (!isContainer(v)) {
        size++;
        return;
      }
      path.push(key);
      height = Math.max(height, 1 + visit(v, level + 1));
      path.pop();
    };
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) child(i, node[i]);
    else for (const key of Object.keys(node)) child(key, (node as Record<string, unknown>)[key]);
    if (size > maxValues) throw tooMany(path, file, maxValues);
    open.delete(node);
    heights.set(node, height);
    sizes.set(node, size - before);
    return height;
  };
  /** Values counted so far. */
  let size = 0;
  try {
    visit(value, 1);
  } catch (e) {
    if (e instanceof ChartpressError) throw e;
    // A getter or a Proxy of an object given to the library may throw as it is read.
    const reason = e instanceof Error ? e.message : 'it threw';
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', `cannot be read: ${reason}`, { file, path: formatPath(path) }),
      { cause: e },
    );
  }
}

function tooMany(path: readonly Segment[], file: string | undefined, max: number): ChartpressError {
  return new ChartpressError(
    problem(
      'CP_ERR_TOO_DEEP',
      `holds more than ${max} values once its shared parts are counted at each use`,
      { file, path: formatPath(path) },
    ),
  );
}

/** Objects and arrays; typed arrays and buffers hold numbers only. */
function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The path of the first container in JSON text that nests deeper than `limit` levels, found by
 * one pass over the text before it is parsed (so `JSON.parse` never builds millions of levels).
 * Undefined when the text stays within the limit. Malformed text is left to `JSON.parse`.
 */
export function findDeepJson(text: string, limit = MAX_DEPTH): Segment[] | undefined {
  /** Per open container: the index or key of the item being read. */
  const path: Segment[] = [];
  const kinds: number[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (keyNext && path.length > 0) path[path.length - 1] = jsonKey(text.slice(i, j + 1));
      keyNext = false;
      i = j;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (kinds.length >= limit) return path;
      kinds.push(c);
      path.push(c === OPEN_ARRAY ? 0 : '');
      keyNext = c === OPEN_OBJECT;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      kinds.pop();
      path.pop();
      keyNext = false;
    } else if (c === COMMA && kinds.length > 0) {
      const top = kinds.length - 1;
      if (kinds[top] === OPEN_ARRAY) path[top] = (path[top] as number) + 1;
      else keyNext = true;
    }
  }
  return undefined;
}

function jsonKey(quoted: string): string {
  try {
    return String(JSON.parse(quoted));
  } catch {
    return quoted.slice(1, -1);
  }
}
