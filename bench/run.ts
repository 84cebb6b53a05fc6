/**
 * Benchmarks: `npm run bench -- <suite>`. Each suite prints ratios against a baseline measured in
 * the same run, because absolute times on shared machines vary.
 */
import { suites } from './suites/index.js';

const name = process.argv[2];
const suite = name ? suites[name] : undefined;
if (!suite) {
  console.error(`usage: npm run bench -- <suite>\nsuites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
await suite();
