// The once-per-container memo behind the lazy SDK clients and adapters.
import { describe, expect, it } from 'vitest';
import { lazily } from '../../../lambda/handlers/lazily.ts';

describe('lazily', () => {
  it('makes nothing until asked, then one value for every caller, concurrent first calls included', async () => {
    let made = 0;
    const get = lazily(async () => ({ serial: ++made }));
    expect(made).toBe(0);

    const [a, b] = await Promise.all([get(), get()]);
    const c = await get();

    expect(made).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('forgets a failed attempt, so the next call tries again', async () => {
    let attempts = 0;
    const get = lazily(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('first attempt fails');
      return 'made';
    });

    await expect(get()).rejects.toThrow('first attempt fails');
    await expect(get()).resolves.toBe('made');
    expect(attempts).toBe(2);
  });
});
