import { createMemoryStore } from '../../src/cache/memory.js';
import { storeSuite } from './store-suite.js';

storeSuite('memory', ({ clock, ttl = 0, maxSize = 10 * 1024 * 1024 }) =>
  createMemoryStore({ maxSize, ttl }, clock),
);
