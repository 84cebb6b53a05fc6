// One chart in a fresh process: `node chart-cold.mjs <peer> <job JSON>` draws the job's CSV with
// the peer (vega, echarts, hand) and writes the SVG to `job.out`. The parent times the process.
import { writeFileSync } from 'node:fs';

const [peer, json] = process.argv.slice(2);
const job = JSON.parse(json ?? '{}');
const { draw } = await import(`./draw-${peer}.mjs`);
writeFileSync(job.out, await draw(job));
