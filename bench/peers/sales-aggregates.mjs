// The eight queries of bench/suites/data-queries.ts written by hand, all in one pass over the rows
// of the sales CSV: what a careful user of a bare CSV parser would write. Dates in the file are
// UTC instants (`2022-01-01T00:01:34Z`), so a month is the first seven characters; days, weeks and
// quarters are memoised per distinct day and month (the file has ~1,100 days).

const DAY = 86_400_000;
const pad2 = (n) => (n < 10 ? `0${n}` : String(n));

/** Accumulators for the eight queries; `add` takes one row's seven cells, `results` the answers. */
export function salesAggregates() {
  const byMonth = new Map();
  const byRegion = new Map();
  const byProduct = new Map();
  const byChannel = new Map();
  const monthRegion = new Map();
  const quarter = new Map();
  const emeaWeeks = new Map();
  let revenueTotal = 0;
  let minCost = Number.POSITIVE_INFINITY;
  const quarters = new Map();
  const weeks = new Map();

  const quarterOf = (month) => {
    let q = quarters.get(month);
    if (q === undefined) {
      const m = Number(month.slice(5, 7));
      q = `${month.slice(0, 5)}${pad2(m - ((m - 1) % 3))}-01`;
      quarters.set(month, q);
    }
    return q;
  };
  const weekOf = (day) => {
    let w = weeks.get(day);
    if (w === undefined) {
      const ms = Date.parse(`${day}T00:00:00Z`);
      // ISO weeks start on Monday; getUTCDay: 0 = Sunday.
      w = new Date(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
      weeks.set(day, w);
    }
    return w;
  };
  const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);

  return {
    /** One row: date text, region, product, channel, then units, revenue and cost as numbers. */
    add(date, region, product, channel, units, revenue, cost) {
      const month = `${date.slice(0, 7)}-01`;
      add(byMonth, month, revenue);
      const r = byRegion.get(region);
      if (r) {
        r[0] += revenue;
        r[1]++;
      } else byRegion.set(region, [revenue, 1]);
      add(byProduct, product, units);
      const c = byChannel.get(channel);
      if (c) {
        c[0] += revenue;
        c[1]++;
      } else byChannel.set(channel, [revenue, 1]);
      add(monthRegion, `${month}\u0000${region}`, revenue);
      add(quarter, quarterOf(month), cost);
      if (region === 'EMEA') {
        const w = weekOf(date.slice(0, 10));
        const m = emeaWeeks.get(w);
        if (m === undefined || revenue > m) emeaWeeks.set(w, revenue);
      }
      revenueTotal += revenue;
      if (cost < minCost) minCost = cost;
    },
    results() {
      const rows = (map, f) => [...map].map(([k, v]) => f(k, v));
      return {
        by_month: rows(byMonth, (date, revenue) => ({ date, revenue })),
        by_region: rows(byRegion, (region, [revenue, n]) => ({ region, revenue, n })),
        by_product: rows(byProduct, (product, units) => ({ product, units })),
        by_channel: rows(byChannel, (channel, [sum, n]) => ({ channel, avg: sum / n })),
        month_region: rows(monthRegion, (k, revenue) => {
          const [date, region] = k.split('\u0000');
          return { date, region, revenue };
        }),
        quarter: rows(quarter, (date, cost) => ({ date, cost })),
        emea_weeks: rows(emeaWeeks, (date, max) => ({ date, max })),
        totals: [{ revenue: revenueTotal, min: minCost }],
      };
    },
  };
}
