/**
 * Revision of how chartpress draws its charts, part of every chart's cache key (with the
 * ECharts version). Raise it whenever a change to the drawing code changes the picture of an
 * unchanged chart and frame, so that no cache serves the picture drawn before.
 */
export const DRAWING_REVISION = 3;
