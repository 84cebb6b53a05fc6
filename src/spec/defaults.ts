import type { z } from 'zod';
import type {
  AreaOptions,
  BarOptions,
  ChartType,
  Encode,
  GanttOptions,
  LineOptions,
  PieOptions,
  Query,
  ScatterOptions,
  SparklineOptions,
  ThemeName,
} from './schema.js';

/** The options each chart type accepts, as written. */
export interface ChartOptionsByType {
  bar: z.infer<typeof BarOptions>;
  line: z.infer<typeof LineOptions>;
  area: z.infer<typeof AreaOptions>;
  pie: z.infer<typeof PieOptions>;
  scatter: z.infer<typeof ScatterOptions>;
  sparkline: z.infer<typeof SparklineOptions>;
  gantt: z.infer<typeof GanttOptions>;
}

/** Options that stay optional after normalization (no sensible default). */
type Unset = 'subtitle' | 'xTitle' | 'yTitle' | 'numberFormat' | 'colors' | 'echarts' | 'timeoutMs';

/** Options after normalization: every option with a default has its value. */
export type ResolvedOptions<T extends ChartType> = Required<Omit<ChartOptionsByType[T], Unset>> &
  Pick<ChartOptionsByType[T], Unset>;

/** A chart ready to render: defaults applied, theme resolved, params not yet relevant. */
export type NormalizedChart = {
  [T in ChartType]: {
    /** The chart's id (its key under `charts:`, or `body[3].chart` for an inline chart). */
    readonly id: string;
    readonly type: T;
    readonly title?: string | undefined;
    readonly query: Query;
    readonly encode: Encode;
    readonly options: Readonly<ResolvedOptions<T>>;
  };
}[ChartType];

const common = {
  width: 600,
  height: 400,
  legend: 'bottom' as const,
  labelRotate: 0,
  grid: true,
  theme: 'default' as ThemeName,
};

/** Defaults per chart type. `legend` is turned to `none` when a chart has no series to tell apart. */
export const chartDefaults: { readonly [T in ChartType]: Readonly<ResolvedOptions<T>> } = Object.freeze({
  bar: { ...common, orientation: 'vertical', stacked: false, labels: false, barGap: 20 },
  line: { ...common, smooth: false, markers: true, lineWidth: 2, labels: false, downsample: true },
  area: { ...common, stacked: true, opacity: 0.8, smooth: false, lineWidth: 1.5, downsample: true },
  pie: { ...common, innerRadius: 0, labels: 'percent' },
  scatter: { ...common, pointSize: 8, downsample: true },
  sparkline: {
    ...common,
    width: 100,
    height: 20,
    legend: 'none',
    grid: false,
    showMin: false,
    showMax: false,
    showLast: true,
    lineWidth: 1.5,
    area: false,
    downsample: true,
  },
  gantt: { ...common, labels: true },
});

export type { Encode };
