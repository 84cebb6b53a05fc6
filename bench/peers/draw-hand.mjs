// The limit: an SVG string built by hand from the CSV (title, axes with five ticks, the marks),
// no library, no layout, no text measuring. Every point is drawn (no downsampling).
import { distinct, numbers, readCsv } from './child.mjs';

const W = 600;
const H = 400;
const box = { left: 50, right: 20, top: 40, bottom: 30 };
const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272'];
const f = (x) => Math.round(x * 10) / 10;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function extent(xs) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

const scale =
  ([d0, d1], [r0, r1]) =>
  (x) =>
    r0 + ((x - d0) / (d1 - d0)) * (r1 - r0);

/** The frame: title, the y axis with five ticks and their labels, the x axis line. */
function frame(title, yDomain) {
  const y = scale(yDomain, [H - box.bottom, box.top]);
  let out = `<text x="${W / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="16">${esc(title)}</text>`;
  for (let i = 0; i <= 4; i++) {
    const v = yDomain[0] + ((yDomain[1] - yDomain[0]) * i) / 4;
    const py = f(y(v));
    out += `<line x1="${box.left}" x2="${W - box.right}" y1="${py}" y2="${py}" stroke="#e0e6f1"/>`;
    out += `<text x="${box.left - 6}" y="${py + 4}" text-anchor="end" font-family="sans-serif" font-size="11">${Math.round(v)}</text>`;
  }
  out += `<line x1="${box.left}" x2="${W - box.right}" y1="${H - box.bottom}" y2="${H - box.bottom}" stroke="#6e7079"/>`;
  return { out, y };
}

const svg = (body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="${W}" height="${H}" fill="#fff"/>${body}</svg>`;

function bar(title, t) {
  const v = numbers(t.columns.value);
  const { out, y } = frame(title, [0, Math.max(...v)]);
  const step = (W - box.left - box.right) / v.length;
  let body = out;
  v.forEach((value, i) => {
    const x = box.left + i * step;
    const top = y(value);
    body += `<rect x="${f(x + step * 0.1)}" y="${f(top)}" width="${f(step * 0.8)}" height="${f(H - box.bottom - top)}" fill="${PALETTE[0]}"/>`;
    body += `<text x="${f(x + step / 2)}" y="${H - box.bottom + 16}" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(t.columns.category[i])}</text>`;
  });
  return svg(body);
}

function line(title, t) {
  const xs = t.columns.date.map(Date.parse);
  const v = numbers(t.columns.value);
  const { out, y } = frame(title, extent(v));
  const x = scale(extent(xs), [box.left, W - box.right]);
  const d = xs.map((xi, i) => `${i ? 'L' : 'M'}${f(x(xi))} ${f(y(v[i]))}`).join('');
  return svg(`${out}<path d="${d}" fill="none" stroke="${PALETTE[0]}" stroke-width="1.5"/>`);
}

function pie(title, t) {
  const v = numbers(t.columns.value);
  const total = v.reduce((a, b) => a + b, 0);
  const [cx, cy, r] = [W / 2, H / 2 + 10, 150];
  let a0 = -Math.PI / 2;
  let body = `<text x="${W / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="16">${esc(title)}</text>`;
  v.forEach((value, i) => {
    const a1 = a0 + (value / total) * 2 * Math.PI;
    const large = a1 - a0 > Math.PI ? 1 : 0;
    const p = (a) => `${f(cx + r * Math.cos(a))} ${f(cy + r * Math.sin(a))}`;
    body += `<path d="M${cx} ${cy}L${p(a0)}A${r} ${r} 0 ${large} 1 ${p(a1)}Z" fill="${PALETTE[i % PALETTE.length]}"/>`;
    const mid = (a0 + a1) / 2;
    body += `<text x="${f(cx + (r + 14) * Math.cos(mid))}" y="${f(cy + (r + 14) * Math.sin(mid))}" text-anchor="middle" font-family="sans-serif" font-size="11">${esc(t.columns.category[i])}</text>`;
    a0 = a1;
  });
  return svg(body);
}

function scatter(title, t) {
  const xs = numbers(t.columns.x);
  const ys = numbers(t.columns.y);
  const { out, y } = frame(title, extent(ys));
  const x = scale(extent(xs), [box.left, W - box.right]);
  let body = out;
  for (let i = 0; i < xs.length; i++)
    body += `<circle cx="${f(x(xs[i]))}" cy="${f(y(ys[i]))}" r="2" fill="${PALETTE[0]}" fill-opacity="0.7"/>`;
  return svg(body);
}

function area(title, t) {
  const names = distinct(t.columns.series);
  const v = numbers(t.columns.value);
  const dates = distinct(t.columns.date);
  const at = new Map(dates.map((d, i) => [d, i]));
  const layers = names.map(() => new Float64Array(dates.length));
  const layer = new Map(names.map((n, i) => [n, i]));
  for (let i = 0; i < t.length; i++) layers[layer.get(t.columns.series[i])][at.get(t.columns.date[i])] = v[i];
  // Stack: each layer's top is the sum of the layers below it and itself.
  const tops = layers.map((l) => Float64Array.from(l));
  for (let k = 1; k < tops.length; k++) for (let i = 0; i < dates.length; i++) tops[k][i] += tops[k - 1][i];
  const { out, y } = frame(title, [0, Math.max(...tops[tops.length - 1])]);
  const x = scale(extent(dates.map(Date.parse)), [box.left, W - box.right]);
  const xs = dates.map((d) => f(x(Date.parse(d))));
  let body = out;
  tops.forEach((top, k) => {
    const below = k ? tops[k - 1] : new Float64Array(dates.length);
    let d = '';
    for (let i = 0; i < xs.length; i++) d += `${i ? 'L' : 'M'}${xs[i]} ${f(y(top[i]))}`;
    for (let i = xs.length - 1; i >= 0; i--) d += `L${xs[i]} ${f(y(below[i]))}`;
    body += `<path d="${d}Z" fill="${PALETTE[k % PALETTE.length]}" fill-opacity="0.8"/>`;
  });
  return svg(body);
}

const drawers = { bar, line, pie, scatter, area };

/** One chart from its CSV file to SVG. */
export function draw({ kind, title, csv }) {
  const drawer = drawers[kind];
  if (!drawer) throw new Error(`unknown chart kind ${kind}`);
  return drawer(title, readCsv(csv));
}
