import type {
  BarSeriesOption,
  CustomSeriesOption,
  LineSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import { BarChart, CustomChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import {
  GraphicComponent,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
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
  GridComponent,
  TitleComponent,
  LegendPlainComponent,
  TooltipComponent,
  GraphicComponent,
  MarkLineComponent,
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
  | GridComponentOption
  | TitleComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | GraphicComponentOption
>;

export type {
  BarSeriesOption,
  CustomSeriesOption,
  LegendComponentOption,
  LineSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
};
export { echarts };
