import type { z } from 'zod';
import type {
  AreaOptions,
  BarOptions,
  BoxplotOptions,
  ChartEncode,
  ChartSpec,
  ChartType,
  ComboOptions,
  Encode,
  GanttOptions,
  HeatmapOptions,
  KpiOptions,
  LineOptions,
  PieOptions,
  Query,
  Report,
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
  combo: z.infer<typeof ComboOptions>;
  heatmap: z.infer<typeof HeatmapOptions>;
  boxplot: z.infer<typeof BoxplotOptions>;
  kpi: z.infer<typeof KpiOptions>;
}

/** Options that stay optional after normalization (no sensible default). */
type Unset =
  | 'subtitle'
  | 'xTitle'
  | 'yTitle'
  | 'numberFormat'
  | 'colors'
  | 'echarts'
  | 'timeoutMs'
  | 'x'
  | 'y'
  | 'y2'
  | 'y2Title'
  | 'y2Format'
  | 'compareLabel'
  | 'rules';

/** Options after normalization: every option with a default has its value. */
export type ResolvedOptions<T extends ChartType> = Required<Omit<ChartOptionsByType[T], Unset>> &
  Pick<ChartOptionsByType[T], Unset & keyof ChartOptionsByType[T]>;

/** A chart ready to render: defaults applied, theme resolved, params not yet relevant. */
export type NormalizedChart = {
  [T in ChartType]: {
    /** The chart's id (its key under `charts:`, or `body[3].chart` for an inline chart). */
    readonly id: string;
    readonly type: T;
    readonly title?: string | undefined;
    readonly query: Query;
    readonly encode: ChartEncode;
    readonly options: Readonly<ResolvedOptions<T>>;
    /**
     * The colour of each value of the field the chart colours by, fixed across the report
     * before the chart is keyed. When absent, the chart colours its values in sorted order.
     */
    readonly colors?: Readonly<Record<string, string>> | undefined;
    /**
     * The series of a chart whose `encode.y` lists columns, in the order written: its legend
     * lists them, and its colours take them, in this order. When absent, series are listed in
     * sorted order (see `seriesOrder`).
     */
    readonly seriesNames?: readonly string[] | undefined;
    /** Small multiples: one panel per value of `field` (see `FacetSpec`). */
    readonly facet?: FacetSpec | undefined;
  };
}[ChartType];

/** A chart's `facet` with its defaults applied. */
export interface FacetSpec {
  /** Output column whose values each get a panel. */
  readonly field: string;
  /** Panels per row. Defaults to 3. */
  readonly columns: number;
  /** Most panels drawn; more is `CP_ERR_TOO_MANY_PANELS`. Defaults to 24. */
  readonly maxPanels: number;
  /** The chart sets no height: it grows with the rows of panels (see `facetHeight`). */
  readonly autoHeight: boolean;
}

/** The theme of a report that names none, and of its charts. */
export const defaultTheme: ThemeName = 'default';

/** What a report leaves out of its page. */
export const pageDefaults: Readonly<Required<NonNullable<Report['page']>>> = Object.freeze({
  size: 'a4',
  orientation: 'portrait',
});

/**
 * A sparkline's title: small text on a line of its own above the line, which makes the
 * sparkline that much taller (its `height` stays the line's).
 */
export const sparklineTitle = Object.freeze({ fontSize: 10, lineHeight: 14 });

/** Area fill opacity: stacked layers (the default) are drawn solid, overlapping ones see-through. */
export const areaOpacity = Object.freeze({ stacked: 0.8, overlapping: 0.35 });

const common = {
  width: 600,
  height: 400,
  legend: 'bottom' as const,
  labelRotate: 0,
  grid: true,
  theme: defaultTheme,
};

/**
 * Defaults per chart type. `legend` is turned to `none` when a chart has no series to tell apart
 * (a heatmap's legend is its colour scale, on the right).
 */
export const chartDefaults: { readonly [T in ChartType]: Readonly<ResolvedOptions<T>> } = Object.freeze({
  bar: { ...common, orientation: 'vertical', stacked: false, labels: false, barGap: 20 },
  line: {
    ...common,
    smooth: false,
    markers: 'auto',
    lineWidth: 2,
    labels: false,
    downsample: true,
    gaps: 'connect',
  },
  area: {
    ...common,
    stacked: true,
    gaps: 'connect',
    opacity: areaOpacity.stacked,
    smooth: false,
    lineWidth: 1.5,
    downsample: true,
  },
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
  combo: {
    ...common,
    marks: ['bar', 'line'],
    dualAxis: true,
    labels: false,
    lineWidth: 2,
    smooth: false,
    markers: 'auto',
  },
  heatmap: { ...common, legend: 'right', labels: false, colorScale: 'sequential' },
  boxplot: { ...common, whisker: 1.5, outliers: true },
  kpi: {
    ...common,
    width: 260,
    height: 130,
    legend: 'none',
    grid: false,
    compare: 'previous',
    delta: 'percent',
    better: 'higher',
    sparkline: true,
  },
});

/**
 * The defaults that depend on the chart itself, for the options it leaves unset (`given`): no
 * legend when there is nothing to tell apart (and none on a sparkline); an area's fill is
 * see-through unless its layers stack; a line or area whose query fills missing buckets breaks
 * at their nulls rather than joining across them. A sparkline with a title grows by the title's
 * line (`sparklineTitle`), whatever height it was given.
 */
export function derivedDefaults(
  spec: ChartSpec,
  given: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const derived: Record<string, unknown> = {};
  // A combo's legend names its two measures; a heatmap's shows its colour scale.
  const hasSeries =
    spec.encode.series !== undefined ||
    spec.encode.color !== undefined ||
    spec.type === 'pie' ||
    spec.type === 'combo';
  if (given.legend === undefined && (!hasSeries || spec.type === 'sparkline' || spec.type === 'kpi'))
    derived.legend = 'none';
  if (spec.type === 'area' && given.opacity === undefined)
    derived.opacity = options.stacked ? areaOpacity.stacked : areaOpacity.overlapping;
  if (spec.type === 'sparkline' && spec.title)
    derived.height = Number(options.height) + sparklineTitle.lineHeight;
  // A query that fills missing buckets with nulls asks for them to show: as gaps.
  if (
    (spec.type === 'line' || spec.type === 'area') &&
    given.gaps === undefined &&
    spec.data.fill !== undefined
  )
    derived.gaps = 'break';
  return derived;
}

export type { Encode };
