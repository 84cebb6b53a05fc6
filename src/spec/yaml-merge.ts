import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

/** A problem with the merge keys of a document, at an offset of its text when it has one. */
export interface MergeProblem {
  readonly offset?: number | undefined;
  readonly message: string;
  readonly hint?: string;
}

/**
 * Checks the merge keys (`<<: *base`, `<<: [*a, *b]`) of a parsed document before it is turned
 * into plain data. Each merge copies its source map afresh (the yaml library converts the source
 * again at every use, unlike a plain alias, which shares one value), so a few hundred merges of a
 * large map would build millions of values while staying within the alias limit. Refuses a
 * document whose merges copy more than `budget` values in all, and merge sources that are not
 * maps (or lists of maps).
 */
export function checkMerges(doc: Document.Parsed, budget: number): MergeProblem | undefined {
  const anchors = anchorTargets(doc.contents);
  /** Values built when a node is converted, merges included, by node. */
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let problem: MergeProblem | undefined;

  const target = (node: unknown): unknown => (isAlias(node) ? anchors.get(node) : node);
  const size = (node: unknown): number => {
    if (!(isMap(node) || isSeq(node))) return 1; // a scalar, or an alias (it shares its anchor's value)
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A map that merges itself: the yaml library refuses it (alias count or nesting).
    if (open.has(node)) return 1;
    open.add(node);
    let n = 1;
    for (const item of node.items) {
      if (!isPair(item)) n += size(item);
      else if (isMergeKey(item.key)) n += 1 + merged(item.value);
      else n += size(item.key) + size(item.value);
    }
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  /** Values a merge copies from its value: a map, or a list of maps (each maybe an alias). */
  const merged = (value: unknown): number => {
    const source = target(value);
    const sources = isSeq(source) ? source.items.map(target) : [source];
    let n = 0;
    for (const s of sources) {
      if (isMap(s)) n += size(s);
      else problem ??= notAMap(value);
    }
    return n;
  };

  const plain = countNodes(doc.contents);
  const copied = size(doc.contents) - plain;
  if (problem) return problem;
  if (copied > budget) {
    return {
      message: `merge keys (<<) copy more than ${budget} values`,
      hint: 'merge smaller maps, or fewer times',
    };
  }
  return undefined;
}

/** Whether a map key is the merge key `<<` (plain, not quoted: the library resolves it to a symbol). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

function notAMap(value: unknown): MergeProblem {
  const offset =
    isAlias(value) || isMap(value) || isSeq(value) || isScalar(value) ? value.range?.[0] : undefined;
  return {
    offset,
    message: 'a merge key (<<) takes a map, an alias of a map, or a list of them',
    hint: 'write `<<: *name` where `&name` marks a map',
  };
}

/**
 * Each alias's node: the last node with its anchor before it, in document order (the node that
 * holds the anchor comes before its own contents, as the yaml library reads it).
 */
function anchorTargets(root: unknown): Map<Node, Node> {
  const seen = new Map<string, Node>();
  const targets = new Map<Node, Node>();
  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      const found = seen.get(node.source);
      if (found) targets.set(node, found);
      return;
    }
    if (!(isScalar(node) || isMap(node) || isSeq(node))) return;
    if (node.anchor) seen.set(node.anchor, node);
    if (isScalar(node)) return;
    for (const item of node.items) {
      if (isPair(item)) {
        visit(item.key);
        visit(item.value);
      } else visit(item);
    }
  };
  visit(root);
  return targets;
}

/** Nodes in the tree as written, counted as `size` counts them with no merge expanded. */
function countNodes(node: unknown): number {
  if (!(isMap(node) || isSeq(node))) return 1;
  let n = 1;
  for (const item of node.items)
    n += isPair(item) ? countNodes(item.key) + countNodes(item.value) : countNodes(item);
  return n;
}
