import type {
  BarSeriesOption,
  CustomSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import { BarChart, CustomChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import {
  GraphicComponent,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { measureText, preloadMetrics } from './metrics.js';

// Only the parts chartpress draws: the full bundle costs ~0.5 s per worker start.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  CustomChart,
  HeatmapChart,
  GridComponent,
  TitleComponent,
  LegendPlainComponent,
  TooltipComponent,
  GraphicComponent,
  MarkLineComponent,
  VisualMapContinuousComponent,
  LabelLayout,
  SVGRenderer,
]);
// Layout (label fitting, legend wrapping, grid bounds) measures text with the same Inter the
// SVG names and resvg/Typst draw, so what ECharts reserves is what gets drawn.
// ECharts times its first measurements and falls back to rough widths when they are slow:
// parse the fonts up front so that every measurement is a cheap lookup.
preloadMetrics();
echarts.setPlatformAPI({ measureText });

/** An ECharts option restricted to the series and components chartpress registers. */
export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | ScatterSeriesOption
  | CustomSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TitleComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | GraphicComponentOption
  | VisualMapComponentOption
>;

export type {
  BarSeriesOption,
  CustomSeriesOption,
  HeatmapSeriesOption,
  LegendComponentOption,
  LineSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
};
export { echarts };
