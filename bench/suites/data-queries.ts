import type { Query } from '../../src/spec/schema.js';

/** Eight queries a sales report would run on one dataset. */
export const eightQueries: ReadonlyMap<string, Query> = new Map<string, Query>([
  [
    'by_month',
    {
      from: 's',
      groupBy: [{ field: 'date', bucket: 'month' }],
      aggregate: { revenue: { op: 'sum', field: 'revenue' } },
    },
  ],
  [
    'by_region',
    {
      from: 's',
      groupBy: ['region'],
      aggregate: { revenue: { op: 'sum', field: 'revenue' }, n: { op: 'count' } },
    },
  ],
  ['by_product', { from: 's', groupBy: ['product'], aggregate: { units: { op: 'sum', field: 'units' } } }],
  ['by_channel', { from: 's', groupBy: ['channel'], aggregate: { avg: { op: 'avg', field: 'revenue' } } }],
  [
    'month_region',
    {
      from: 's',
      groupBy: [{ field: 'date', bucket: 'month' }, 'region'],
      aggregate: { revenue: { op: 'sum', field: 'revenue' } },
    },
  ],
  [
    'quarter',
    {
      from: 's',
      groupBy: [{ field: 'date', bucket: 'quarter' }],
      aggregate: { cost: { op: 'sum', field: 'cost' } },
    },
  ],
  [
    'emea_weeks',
    {
      from: 's',
      filter: [{ field: 'region', op: 'eq', value: 'EMEA' }],
      groupBy: [{ field: 'date', bucket: 'week' }],
      aggregate: { max: { op: 'max', field: 'revenue' } },
    },
  ],
  [
    'totals',
    { from: 's', aggregate: { revenue: { op: 'sum', field: 'revenue' }, min: { op: 'min', field: 'cost' } } },
  ],
]);
