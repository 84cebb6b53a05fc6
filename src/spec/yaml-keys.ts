import { type Document, isMap, isPair, isScalar, isSeq } from 'yaml';

/**
 * The offsets of map keys that repeat a key before them in the same map, as the yaml library's
 * `uniqueKeys` finds them (scalar keys equal by value) but in linear time: the library compares
 * each key with every key before it, which makes one map of 20,000 keys cost seconds.
 */
export function duplicateKeys(doc: Document.Parsed): number[] {
  const found: number[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          // Merge keys (`<<`) are symbols, each distinct: a map may merge more than once.
          if (keys.has(key.value)) found.push(key.range?.[0] ?? 0);
          else keys.add(key.value);
        }
        visit(key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          visit(item.key);
          visit(item.value);
        } else visit(item);
      }
    }
  };
  visit(doc.contents);
  return found;
}
