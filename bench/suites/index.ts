import { cache } from './cache.js';
import { data } from './data.js';
import { document } from './document.js';
import { pipeline } from './pipeline.js';
import { startup } from './startup.js';
import { telemetry } from './telemetry.js';

export const suites: Record<string, () => Promise<void>> = {
  cache,
  data,
  document,
  pipeline,
  startup,
  telemetry,
};
