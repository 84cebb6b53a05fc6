// Regenerates the example data deterministically: `node examples/sales/generate.mjs`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'data');
let seed = 20251231;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const csvCell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csv = (header, rows) => [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';

const regions = { EMEA: 1.0, Americas: 1.35, APAC: 0.8 };
const products = { 'Ledger Pro': [1200, 0.62], 'Ledger Cloud': [480, 0.78], Forecast: [900, 0.7], 'Audit Kit': [300, 0.55] };
const channels = { Direct: 0.5, Partner: 0.3, Online: 0.2 };
const sales = [];
for (let m = 0; m < 12; m++) {
  const season = 1 + 0.25 * Math.sin(((m - 2) / 12) * 2 * Math.PI) + m * 0.02;
  for (const [region, rw] of Object.entries(regions)) {
    for (const [product, [price, margin]] of Object.entries(products)) {
      for (const [channel, cw] of Object.entries(channels)) {
        const day = 1 + Math.floor(rand() * 28);
        const units = Math.max(1, Math.round(60 * rw * cw * season * (0.7 + rand() * 0.6) * (1500 / price) ** 0.5));
        const revenue = Math.round(units * price * (0.92 + rand() * 0.12) * 100) / 100;
        const cost = Math.round(revenue * (1 - margin) * (0.95 + rand() * 0.1) * 100) / 100;
        const date = `2025-${String(m + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        sales.push([date, region, product, channel, units, revenue, cost]);
      }
    }
  }
}
sales.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
writeFileSync(join(dir, 'sales.csv'), csv(['date', 'region', 'product', 'channel', 'units', 'revenue', 'cost'], sales));

const cities = {
  EMEA: ['London', 'Paris', 'Berlin', 'Madrid', 'Milan', 'Zurich', 'Dublin', 'Warsaw'],
  Americas: ['New York', 'Chicago', 'Toronto', 'Austin', 'São Paulo', 'Mexico City', 'Denver', 'Seattle'],
  APAC: ['Tokyo', 'Sydney', 'Singapore', 'Seoul', 'Mumbai', 'Auckland', 'Osaka', 'Jakarta'],
};
const stores = [];
for (const [region, list] of Object.entries(cities)) {
  for (const city of list) {
    const sqm = Math.round(180 + rand() * 900);
    const revenue = Math.round(sqm * (900 + rand() * 700) * regions[region]);
    const margin = Math.round((0.18 + rand() * 0.22) * 1000) / 1000;
    stores.push([`${city} store`, region, sqm, revenue, margin, Math.round(40 + rand() * 60)]);
  }
}
writeFileSync(join(dir, 'stores.csv'), csv(['store', 'region', 'floor_sqm', 'revenue', 'margin', 'nps'], stores));

const tasks = [
  ['ERP migration', 'Finance systems', '2026-01-05', '2026-03-20'],
  ['Close automation', 'Finance systems', '2026-02-16', '2026-05-29'],
  ['Audit readiness', 'Compliance', '2026-01-12', '2026-02-27'],
  ['SOX controls review', 'Compliance', '2026-03-02', '2026-04-24'],
  ['APAC pricing refresh', 'Commercial', '2026-01-19', '2026-03-06'],
  ['Partner programme', 'Commercial', '2026-03-09', '2026-06-19'],
  ['FP&A dashboard', 'Analytics', '2026-02-02', '2026-04-10'],
  ['Forecast model v2', 'Analytics', '2026-04-06', '2026-06-26'],
];
writeFileSync(join(dir, 'projects.csv'), csv(['task', 'workstream', 'start', 'end'], tasks));
