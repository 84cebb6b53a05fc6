import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { COMPILES_PER_COMPILER, compilePdf } from '../../src/document/pdf.js';
import { createEngine } from '../../src/index.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

// The compiler module is required when the first document is compiled: its entry in the module
// cache is replaced by a wrapper whose `NodeCompiler.create` (a native class's, which cannot be
// redefined) is a spy that calls the real one.
const require = createRequire(import.meta.url);
const id = require.resolve('@myriaddreamin/typst-ts-node-compiler');
const typst = require(id) as typeof import('@myriaddreamin/typst-ts-node-compiler');
const real = typst.NodeCompiler;
const create = vi.fn((...args: Parameters<typeof real.create>) => real.create(...args));
require.cache[id]!.exports = { ...typst, NodeCompiler: { create } };

const tmp = tempDir();
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\nAPAC,5\n');
const reportTitled = (title: string) =>
  tmp.write(
    `${title}.yaml`,
    `title: ${title}
datasets:
  sales: { source: csv, path: data/sales.csv }
charts:
  c:
    type: bar
    data: { from: sales }
    encode: { x: region, y: amount }
body:
  - text: Report ${title}.
  - chart: c
`,
  );

describe('the Typst compiler', () => {
  // Its own test file, so that no compile ran in this process before the spy.
  it('is made once and serves every document after', async () => {
    expect(create).not.toHaveBeenCalled();
    const engine = createEngine({ cache: false });
    const texts: string[] = [];
    for (const title of ['First', 'Second', 'Third'])
      texts.push(await pdfText((await engine.render(reportTitled(title))).output as Uint8Array));
    // A second engine shares it too: the compiler belongs to the process.
    const other = createEngine({ cache: false });
    texts.push(await pdfText((await other.render(reportTitled('Fourth'))).output as Uint8Array));
    await engine.close();
    await other.close();
    expect(texts.map((t) => /Report (\w+)\./.exec(t)?.[1])).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it(`is replaced after ${COMPILES_PER_COMPILER} documents, and the next documents come out right`, async () => {
    const before = create.mock.calls.length;
    const doc = (n: number) => ({ source: `= Page ${n}\n`, files: new Map<string, Uint8Array>() });
    const texts: string[] = [];
    for (let n = 0; n < COMPILES_PER_COMPILER + 2; n++) texts.push(await pdfText(compilePdf(doc(n))));
    expect(create.mock.calls.length - before).toBe(1);
    expect(texts.at(-1)).toContain(`Page ${COMPILES_PER_COMPILER + 1}`);
  });
});
