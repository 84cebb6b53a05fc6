import { document } from './document.js';

export const suites: Record<string, () => Promise<void>> = { document };
