/**
 * chartpress: report definition + data -> PDF or HTML with many charts, fast.
 * This file names every public export; nothing else is part of the API.
 */

export type { CacheEvent } from './cache/events.js';
export { createCache } from './cache/index.js';
export type {
  CacheOptions,
  Clock,
  Codec,
  CompressionOptions,
  DiskCacheOptions,
  MemoryCacheOptions,
  RedisCacheOptions,
} from './cache/options.js';
export type { CacheStats, TierStats } from './cache/stats.js';
export type { TierName } from './cache/store.js';
export { MAX_PNG_PIXELS, svgToPng } from './chart/png.js';
export type { FileAccessOptions } from './data/sources/roots.js';
export { svgWithFont } from './document/fonts-svg.js';
export type { LazyCharts, RenderedChart } from './document/model.js';
export {
  type ChartCache,
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
export {
  ChartpressError,
  ErrorCatalog,
  type ErrorCode,
  formatProblem,
  formatWarning,
  isChartpressError,
  type Problem,
  type Warning,
  WarningCatalog,
  type WarningCode,
} from './errors.js';
export { FONT_FAMILY } from './font.js';
export type { Column, Frame, Row, TimeColumn, Value } from './frame.js';
export type { BurstScans, EachOptions } from './pipeline/burst.js';
export type { ProgressEvent, ProgressListener } from './pipeline/progress.js';
export type { BurstResult, BurstSummary, RenderEachOptions } from './pipeline/render-each.js';
export type { PoolOptions, PoolStats, RenderPlace } from './pool/index.js';
export {
  createPreview,
  DEFAULT_PREVIEW_PORT,
  type PageBlock,
  type PageSize,
  type ParamField,
  type Preview,
  type PreviewEvent,
  type PreviewOptions,
  type PreviewRender,
  type PreviewStats,
} from './preview/index.js';
export { type ChartpressServer, createServer, type ServerOptions } from './server/app.js';
export {
  type Connection,
  loadServerConfig,
  SERVER_LIMITS,
  type ServeFlags,
  type ServerConfig,
  type ServerLimits,
} from './server/config.js';
export { reportJsonSchema } from './spec/json-schema.js';
export { parseReportText, validateReport } from './spec/parse.js';
export {
  AggregateOp,
  type ChartSpec,
  ChartType,
  type Dataset,
  FilterOp,
  type Lookup,
  type Query,
  type Report,
  type ReportInput,
  ThemeName,
  TimeBucket,
  WindowOp,
} from './spec/schema.js';
export { ChannelName } from './telemetry/channels.js';
export {
  type CacheChannelEvent,
  type CacheLookupContext,
  type CacheProblemEvent,
  type ChartContext,
  type ChartEvent,
  ChartStatus,
  type DataContext,
  type DocumentContext,
  type Finished,
  type PhaseMs,
  type PoolEvent,
  type PoolTaskContext,
  type ReportContext,
  ReportPhase,
  type Traced,
} from './telemetry/events.js';
export type { LatencySummary } from './telemetry/histogram.js';
export { type MonitorOptions, PerformanceMonitor } from './telemetry/monitor.js';
export { type OpenTelemetryOptions, OpenTelemetryTracing } from './telemetry/otel.js';
export { PrometheusExporter, type PrometheusOptions } from './telemetry/prometheus.js';
export type { MonitorSnapshot, SlowChart, TierSnapshot } from './telemetry/snapshot.js';
export { formatTimings } from './telemetry/timings.js';
export { VERSION } from './version.js';
