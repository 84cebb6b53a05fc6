import type { Block } from './schema.js';

/** One variant of the body's blocks, by the key that tells it apart. */
export type BlockOf<K extends string> = Extract<Block, Record<K, unknown>>;

/** Where the walk met a block. */
export interface BlockPlace {
  /** The block's field path (`body[2].then[0]`). */
  readonly path: string;
  /**
   * Whether the document shows it: false under the branch of a `when` that does not hold (and
   * everywhere below it).
   */
  readonly reached: boolean;
}

/**
 * What a walk does with each kind of block. Each handler may return a value; the walk returns
 * those of the blocks it met, in order, with a `when` block's branches in its place (its own
 * handler chooses branches, it returns nothing). A handler left out returns nothing.
 */
export interface BlockVisitor<T> {
  heading?(block: BlockOf<'heading'>, at: BlockPlace): T | undefined;
  text?(block: BlockOf<'text'>, at: BlockPlace): T | undefined;
  chart?(block: BlockOf<'chart'>, at: BlockPlace): T | undefined;
  table?(block: BlockOf<'table'>, at: BlockPlace): T | undefined;
  pagebreak?(block: BlockOf<'pagebreak'>, at: BlockPlace): T | undefined;
  /** A row, after its blocks: `items` are what they returned. */
  row?(block: BlockOf<'row'>, at: BlockPlace, items: T[]): T | undefined;
  /**
   * A reached `when` block, before its branches: the branch that holds (walked first, reached;
   * the other after it, not reached), or undefined to walk both as reached (`then` first). A
   * `when` that is not reached is not asked: both its branches are walked, not reached.
   */
  when?(block: BlockOf<'when'>, at: BlockPlace): 'then' | 'else' | undefined;
}

/** Walks `blocks` (at `path`, such as `body`) depth first, in document order. */
export function visitBlocks<T>(
  blocks: readonly Block[],
  path: string,
  visitor: BlockVisitor<T>,
  reached = true,
): T[] {
  const out: T[] = [];
  const keep = (value: T | undefined) => {
    if (value !== undefined) out.push(value);
  };
  blocks.forEach((block, i) => {
    const at = { path: `${path}[${i}]`, reached };
    if ('heading' in block) keep(visitor.heading?.(block, at));
    else if ('text' in block) keep(visitor.text?.(block, at));
    else if ('chart' in block) keep(visitor.chart?.(block, at));
    else if ('table' in block) keep(visitor.table?.(block, at));
    else if ('row' in block) {
      const items = visitBlocks(block.row, `${at.path}.row`, visitor, reached);
      keep(visitor.row?.(block, at, items));
    } else if ('when' in block) {
      const holds = reached ? visitor.when?.(block, at) : undefined;
      const branches = holds === 'else' ? (['else', 'then'] as const) : (['then', 'else'] as const);
      for (const branch of branches) {
        const taken = reached && (holds === undefined || holds === branch);
        out.push(...visitBlocks(block[branch] ?? [], `${at.path}.${branch}`, visitor, taken));
      }
    } else keep(visitor.pagebreak?.(block, at));
  });
  return out;
}
