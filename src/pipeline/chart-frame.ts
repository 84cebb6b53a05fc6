import { boxStatsFrame, isBoxStatsFrame } from '../data/boxplot.js';
import type { Frame } from '../frame.js';
import type { NormalizedChart } from '../spec/defaults.js';
import { downsampleFrame } from './downsample.js';

/**
 * The frame a chart is keyed by and drawn from: its query's frame reduced to what the picture
 * needs. A box plot's observations become box statistics (see `boxStatsFrame`); long lines,
 * areas, sparklines and scatters are downsampled (see `downsampleFrame`); other charts take
 * the frame as it is, as do faceted charts. A frame that lacks a column the chart names passes unchanged, for the
 * chart to report the column missing among those the query gave.
 */
export function chartFrame(chart: NormalizedChart, frame: Frame): Frame {
  // A faceted chart's series run through its panels: each panel is drawn whole.
  if (chart.facet !== undefined) return frame;
  if (chart.type !== 'boxplot') return downsampleFrame(chart, frame);
  const { x, y, series } = chart.encode;
  const named = [x, y, series].filter((f): f is string => f !== undefined);
  if (frame.length === 0 || isBoxStatsFrame(frame) || named.some((f) => !frame.columns[f])) return frame;
  return boxStatsFrame(frame, {
    value: y ?? '',
    group: x,
    series,
    whisker: chart.options.whisker,
  });
}
