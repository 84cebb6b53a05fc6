import { cache } from './cache.js';
import { data } from './data.js';
import { document } from './document.js';

export const suites: Record<string, () => Promise<void>> = { cache, data, document };
