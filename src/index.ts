/**
 * chartpress: report definition + data -> PDF or HTML with many charts, fast.
 * This file names every public export; nothing else is part of the API.
 */
export {
  type ChartFileOptions,
  type ChartFileResult,
  type ChartInfo,
  createEngine,
  type Engine,
  type EngineOptions,
  OutputFormat,
  type RenderOptions,
  type RenderResult,
  type RenderStats,
} from './engine.js';
export { ChartpressError, ErrorCatalog, type ErrorCode, formatProblem, isChartpressError, type Problem } from './errors.js';
export { FONT_FAMILY } from './font.js';
export { svgToPng } from './chart/png.js';
export { reportJsonSchema } from './spec/json-schema.js';
export { validateReport, parseReportText } from './spec/parse.js';
export {
  ChartType,
  ThemeName,
  TimeBucket,
  FilterOp,
  AggregateOp,
  type ChartSpec,
  type Report,
  type ReportInput,
  type Query,
  type Dataset,
} from './spec/schema.js';
export type { Frame, Row, Value } from './data/frame.js';
export { VERSION } from './version.js';
