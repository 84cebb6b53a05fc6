/**
 * One segment of a glob path as a test of a name (see `glob.ts` for the syntax): `*`, `?`,
 * `[abc]`/`[a-z]`/`[!abc]`, `{a,b}` and `\` escapes, matched character by character (code points).
 */

/** A pattern that cannot be read: the message says where and why. */
export class GlobSyntaxError extends Error {}

/** One character of a name, or `*`. */
type Token =
  | { readonly k: 'char'; readonly c: string }
  | { readonly k: 'any' }
  | { readonly k: 'star' }
  | { readonly k: 'set'; readonly negate: boolean; readonly ranges: readonly (readonly [string, string])[] };

/** Alternatives a segment's braces may spell out, at most: 256. */
const MAX_ALTERNATIVES = 256;

/**
 * A segment as a test of one name. Braces are spelled out into alternatives; each is matched
 * by a walk that goes back only to the last `*` it passed, so a test costs at most the name's
 * length times the pattern's (no regular expression that could backtrack without bound).
 */
export function segmentTest(part: string): (name: string) => boolean {
  const alternatives = parseSegment(part);
  return (name) => {
    const chars = Array.from(name);
    return alternatives.some((tokens) => matchTokens(tokens, chars));
  };
}

function parseSegment(part: string): Token[][] {
  const chars = Array.from(part);
  let i = 0;
  const tooMany = () =>
    new GlobSyntaxError(`"${part}" spells out more than ${MAX_ALTERNATIVES} alternatives`);
  const sequence = (inBraces: boolean): Token[][] => {
    let outs: Token[][] = [[]];
    const add = (t: Token) => {
      for (const o of outs) o.push(t);
    };
    while (i < chars.length) {
      const c = chars[i]!;
      if (inBraces && (c === ',' || c === '}')) return outs;
      i++;
      if (c === '\\') {
        if (i >= chars.length) throw new GlobSyntaxError(`"${part}" ends with "\\"`);
        add({ k: 'char', c: chars[i++]! });
      } else if (c === '*') {
        // Runs of stars are one star: `**` inside a name is `*`.
        while (chars[i] === '*') i++;
        add({ k: 'star' });
      } else if (c === '?') add({ k: 'any' });
      else if (c === '[') add(set());
      else if (c === '{') {
        const options = braces();
        const next = outs.flatMap((o) => options.map((option) => [...o, ...option]));
        if (next.length > MAX_ALTERNATIVES) throw tooMany();
        outs = next;
      } else add({ k: 'char', c });
    }
    if (inBraces) throw new GlobSyntaxError(`"${part}" has a "{" without its "}"`);
    return outs;
  };
  const set = (): Token => {
    let negate = false;
    if (chars[i] === '!' || chars[i] === '^') {
      negate = true;
      i++;
    }
    const ranges: [string, string][] = [];
    let first = true;
    while (i < chars.length && (chars[i] !== ']' || first)) {
      first = false;
      let c = chars[i++]!;
      if (c === '\\' && i < chars.length) c = chars[i++]!;
      if (chars[i] === '-' && i + 1 < chars.length && chars[i + 1] !== ']') {
        let to = chars[i + 1]!;
        i += 2;
        if (to === '\\' && i < chars.length) to = chars[i++]!;
        if (to < c) throw new GlobSyntaxError(`"${part}" has the range "${c}-${to}" backwards`);
        ranges.push([c, to]);
      } else ranges.push([c, c]);
    }
    if (i >= chars.length) throw new GlobSyntaxError(`"${part}" has a "[" without its "]"`);
    i++; // ]
    return { k: 'set', negate, ranges };
  };
  const braces = (): Token[][] => {
    const options: Token[][] = [];
    for (;;) {
      options.push(...sequence(true));
      if (options.length > MAX_ALTERNATIVES) throw tooMany();
      if (i >= chars.length) throw new GlobSyntaxError(`"${part}" has a "{" without its "}"`);
      if (chars[i++] === '}') return options;
    }
  };
  return sequence(false);
}

function matchOne(t: Token, c: string): boolean {
  switch (t.k) {
    case 'char':
      return t.c === c;
    case 'any':
      return true;
    case 'set':
      return t.ranges.some(([lo, hi]) => lo <= c && c <= hi) !== t.negate;
    case 'star':
      return false;
  }
}

/** Whether the characters match the tokens: the usual walk, back to the last star on a miss. */
function matchTokens(tokens: readonly Token[], chars: readonly string[]): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < chars.length) {
    const t = tokens[p];
    if (t !== undefined && t.k === 'star') {
      star = p++;
      mark = n;
    } else if (t !== undefined && matchOne(t, chars[n]!)) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (tokens[p]?.k === 'star') p++;
  return p === tokens.length;
}
