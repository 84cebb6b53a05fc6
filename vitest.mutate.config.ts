import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests mutation testing runs (`npm run mutate`): the unit tests of the mutated modules,
// which must catch a changed line on their own, without the engine or the CLI around them.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/cache/key.test.ts',
      'test/cache/codec.test.ts',
      'test/cache/memory.test.ts',
      'test/cache/tiered.test.ts',
      'test/data/*.test.ts',
      'test/document/escape.test.ts',
      // The pool's pure parts: the gate and the roster (its balancer), and frame packing.
      'test/pool/gate.test.ts',
      'test/pool/gate-events.test.ts',
      'test/pool/roster.test.ts',
      'test/pool/transfer.test.ts',
    ],
  },
});
