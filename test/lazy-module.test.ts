import { describe, expect, it } from 'vitest';
import { lazyModule } from '../src/lazy-module.js';

describe('lazyModule', () => {
  it('imports once, every later call sharing the first import', async () => {
    let imports = 0;
    const load = lazyModule(async () => {
      imports++;
      return { n: imports };
    });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(imports).toBe(1);
  });

  it('tries a failed import again on the next call', async () => {
    let imports = 0;
    const load = lazyModule(async () => {
      imports++;
      if (imports === 1) throw new Error('not yet');
      return 'loaded';
    });
    await expect(load()).rejects.toThrow('not yet');
    expect(await load()).toBe('loaded');
    expect(imports).toBe(2);
  });
});
