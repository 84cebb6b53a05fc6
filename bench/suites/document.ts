import { join } from 'node:path';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { compilePdf } from '../../src/document/pdf.js';
import { allFontData } from '../../src/font.js';
import { createEngine } from '../../src/index.js';
import { median, ms, ratio, row, times } from '../stats.js';

const example = join(import.meta.dirname, '../../examples/sales/report.yaml');

/**
 * The example report end to end, and the PDF compile: one reused Typst compiler against a new
 * compiler per document (what a naive integration does).
 */
export async function document(): Promise<void> {
  const engine = createEngine({ cache: false });
  const first = await engine.render(example);
  const runs = 7;
  const warm: number[] = [];
  const parts = { data: [] as number[], charts: [] as number[], document: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const r = await engine.render(example);
    warm.push(r.stats.ms.total);
    parts.data.push(r.stats.ms.data);
    parts.charts.push(r.stats.ms.charts);
    parts.document.push(r.stats.ms.document);
  }
  const typ = await engine.render(example, { format: 'typ' });
  await engine.close();
  const w = median(warm);
  console.log(
    `example report (${first.stats.charts.rendered} charts), PDF, in one process, median of ${runs}`,
  );
  row('first render in the process (ECharts import, compiler start)', ms(first.stats.ms.total));
  row('later renders', ms(w));
  row('first / later', ratio(first.stats.ms.total, w));
  row(
    'share: data / charts / document',
    ['data', 'charts', 'document']
      .map((k) => `${((100 * median(parts[k as keyof typeof parts])) / w).toFixed(0)}%`)
      .join(' / '),
  );

  const doc = { source: typ.output as string, files: typ.files };
  compilePdf(doc);
  const reused = median(await times(7, () => compilePdf(doc)));
  const fresh = median(
    await times(5, () => {
      const c = NodeCompiler.create({ workspace: '/__bench__', fontArgs: [{ fontBlobs: allFontData() }] });
      for (const [p, b] of doc.files) c.mapShadow(`/__bench__${p}`, Buffer.from(b));
      c.pdf({ mainFileContent: doc.source });
    }),
  );
  console.log('\nTypst PDF compile of the example, median');
  row('reused compiler', ms(reused));
  row('new compiler per document', ms(fresh));
  row('new / reused', ratio(fresh, reused));
}
