// Regenerates the showcase data deterministically: `node examples/showcase/generate.mjs`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'data');
let seed = 20260115;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = (weights) => {
  let r = rand() * Object.values(weights).reduce((a, b) => a + b, 0);
  for (const [k, w] of Object.entries(weights)) if ((r -= w) < 0) return k;
  return Object.keys(weights)[0];
};

const regions = { EMEA: 1.0, Americas: 1.2, APAC: 0.7 };
const channels = { Direct: 0.45, Online: 0.35, Partner: 0.2 };
const shipping = { EMEA: 3.2, Americas: 3.8, APAC: 5.6 };
const speed = { Direct: -0.6, Online: 0, Partner: 1.1 };
const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
// Orders by hour of the day: office hours on weekdays, a late-morning peak at the weekend.
const hourly = (weekend) =>
  Object.fromEntries(
    Array.from({ length: 24 }, (_, h) => [h, weekend ? 0.15 + Math.exp(-((h - 11) ** 2) / 10) : 0.05 + Math.exp(-((h - 10.5) ** 2) / 8) + 0.8 * Math.exp(-((h - 15) ** 2) / 6)]),
  );

const rows = [];
const start = Date.UTC(2025, 0, 1);
for (let d = 0; d < 365; d++) {
  const t = start + d * 86_400_000;
  const day = new Date(t);
  const wd = (day.getUTCDay() + 6) % 7;
  const weekend = wd >= 5;
  const month = day.getUTCMonth();
  const season = 1 + 0.2 * Math.sin(((month - 2) / 12) * 2 * Math.PI) + month * 0.025;
  const n = Math.round((weekend ? 0.8 : 2) * season + rand());
  for (let i = 0; i < n; i++) {
    const region = pick(regions);
    const channel = pick(channels);
    const hour = Number(pick(hourly(weekend)));
    const amount = Math.round(Math.max(40, 420 * regions[region] * season * Math.exp(normal() * 0.45)) * 100) / 100;
    // Discounts grow through the year: margins slide from about 34% to 28%.
    const base = 0.345 - month * 0.0055 + (channel === 'Partner' ? -0.06 : 0.02);
    const margin = Math.round(Math.min(0.6, Math.max(0.05, base + normal() * 0.04)) * 1000) / 1000;
    const late = rand() < 0.035 ? 6 + rand() * 8 : 0;
    const delivery = Math.round(Math.max(0.5, shipping[region] + speed[channel] + normal() * 1.1 + late) * 10) / 10;
    rows.push([day.toISOString().slice(0, 10), days[wd], wd + 1, hour, region, channel, amount, margin, delivery]);
  }
}
const header = ['date', 'weekday', 'weekday_n', 'hour', 'region', 'channel', 'amount', 'margin', 'delivery_days'];
writeFileSync(join(dir, 'orders.csv'), `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
console.log(`${rows.length} orders`);
