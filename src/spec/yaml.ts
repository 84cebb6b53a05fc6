import { Composer, type CST, type Document, Lexer, LineCounter, Parser } from 'yaml';
import { ChartpressError, type Problem, problem } from '../errors.js';
import { type Segment, tooDeep } from './depth.js';
import { MAX_DEPTH, MAX_YAML_ALIAS_COUNT, MAX_YAML_MERGE_VALUES } from './limits.js';
import { duplicateKeys } from './yaml-keys.js';
import { checkMerges } from './yaml-merge.js';

/**
 * Parses YAML text to plain data, within limits: nesting deeper than `MAX_DEPTH` is refused
 * while the text is read (`CP_ERR_TOO_DEEP`, before the YAML library recurses into it), aliases
 * may expand to at most `MAX_YAML_ALIAS_COUNT` nodes and merge keys (`<<: *base`) copy at most
 * `MAX_YAML_MERGE_VALUES` values (`CP_ERR_PARSE`: a "billion laughs" file stops there). Syntax
 * errors are `CP_ERR_PARSE` with their line and column.
 */
export function parseYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  const tokens = readTokens(text, lines, file);
  // `merge`: YAML 1.1 merge keys, so that charts can share a template (`<<: *spark`).
  // Keys are checked for repeats below, in linear time.
  const docs = [...new Composer({ uniqueKeys: false, merge: true }).compose(tokens, true, text.length)];
  const doc = docs[0] as Document.Parsed;
  const errors = doc.errors.map((err) => ({ offset: err.pos[0], message: err.message }));
  for (const offset of duplicateKeys(doc)) errors.push({ offset, message: 'Map keys must be unique' });
  errors.sort((a, b) => a.offset - b.offset);
  const extra = docs[1];
  if (extra) errors.push({ offset: extra.range[0], message: 'the file holds more than one YAML document' });
  if (errors.length > 0) {
    const problems: Problem[] = errors.map(({ offset, message }) => {
      const pos = lines.linePos(offset);
      const first = message.split('\n')[0] ?? message;
      return problem('CP_ERR_PARSE', `invalid YAML: line ${pos.line}, column ${pos.col}: ${first}`, { file });
    });
    throw new ChartpressError(problems);
  }
  const merges = checkMerges(doc, MAX_YAML_MERGE_VALUES);
  if (merges) {
    const pos = merges.offset === undefined ? undefined : lines.linePos(merges.offset);
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    const message = `invalid YAML: ${where}${merges.message}`;
    throw new ChartpressError(problem('CP_ERR_PARSE', message, { file, hint: merges.hint }));
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) as unknown;
  } catch (e) {
    // The yaml library signals its alias limit with a ReferenceError (and an alias to an anchor
    // that is not defined before it, likewise).
    if (e instanceof ReferenceError) {
      const bomb = /alias count/i.test(e.message);
      const message = bomb
        ? `invalid YAML: aliases expand to more than ${MAX_YAML_ALIAS_COUNT} nodes`
        : `invalid YAML: ${e.message}`;
      const hint = bomb
        ? 'write the repeated parts out, or use fewer aliases (&anchor / *alias)'
        : 'define each anchor (&name) before an alias (*name) uses it';
      throw new ChartpressError(problem('CP_ERR_PARSE', message, { file, hint }), { cause: e });
    }
    // Aliases to anchors that are deep themselves can nest past any stack.
    if (e instanceof RangeError) {
      throw new ChartpressError(
        problem('CP_ERR_TOO_DEEP', `aliases nest deeper than ${MAX_DEPTH} levels`, { file }),
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * The syntax tree of YAML text, read token by token so that reading stops where nesting passes
 * `MAX_DEPTH` (`CP_ERR_TOO_DEEP` at that path): a file of a million `[` costs a few hundred tokens.
 */
function readTokens(text: string, lines: LineCounter, file: string): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    const deep = deepPath(parser, MAX_DEPTH);
    if (deep) throw tooDeep(deep, file);
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/** The path to the innermost open collection when more than `limit` are open. */
function deepPath(parser: Parser, limit: number): Segment[] | undefined {
  // The stack holds the document, the open collections and at most a scalar or two.
  if (parser.stack.length <= limit) return undefined;
  const open = parser.stack.filter(isCollection);
  return open.length > limit ? open.slice(0, -1).map(currentItem) : undefined;
}

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

function isCollection(t: CST.Token): t is Collection {
  return t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
}

/** The key or index of the item a collection is reading. */
function currentItem(c: Collection): Segment {
  const index = Math.max(0, c.items.length - 1);
  const isSeq = c.type === 'block-seq' || (c.type === 'flow-collection' && c.start.source === '[');
  if (isSeq) return index;
  const key = c.items[index]?.key;
  if (key && 'source' in key && typeof key.source === 'string') {
    return key.type === 'single-quoted-scalar' || key.type === 'double-quoted-scalar'
      ? key.source.slice(1, -1)
      : key.source;
  }
  return '?';
}
