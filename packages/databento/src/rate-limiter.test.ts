import { describe, expect, it } from 'vitest';
import { createSlidingWindowRateLimiter } from './rate-limiter.js';

describe('createSlidingWindowRateLimiter', () => {
  it('should allow a one-second burst, then space requests at the group rate', async () => {
    const limiter = createSlidingWindowRateLimiter({ metadata: 20 });
    const started = performance.now();
    for (let index = 0; index < 20; index++) await limiter.acquire('metadata');
    expect(performance.now() - started).toBeLessThan(40);
    for (let index = 0; index < 4; index++) await limiter.acquire('metadata');
    // Four more tokens at 20/s take about 200 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('should never let more than the rate through in any one-second window', async () => {
    const limiter = createSlidingWindowRateLimiter({ metadata: 20 });
    const sentAtMs: number[] = [];
    for (let index = 0; index < 45; index++) {
      await limiter.acquire('metadata');
      sentAtMs.push(performance.now());
    }
    // The 21st request may only go one second after the 1st, the 41st one second after the 21st.
    for (let index = 20; index < sentAtMs.length; index++) {
      expect(sentAtMs[index]! - sentAtMs[index - 20]!).toBeGreaterThanOrEqual(999);
    }
  });

  it('should space requests of a fractional rate', async () => {
    const limiter = createSlidingWindowRateLimiter({ symbology: 4.5 });
    const started = performance.now();
    for (let index = 0; index < 4; index++) await limiter.acquire('symbology');
    expect(performance.now() - started).toBeLessThan(40);
    // Four per 4/4.5 s: the fifth waits about 889 ms.
    await limiter.acquire('symbology');
    expect(performance.now() - started).toBeGreaterThanOrEqual(880);
  });

  it('should keep endpoint groups independent', async () => {
    const limiter = createSlidingWindowRateLimiter({ metadata: 1, timeseries: 100 });
    await limiter.acquire('metadata');
    const started = performance.now();
    await limiter.acquire('timeseries');
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('should reject a waiting acquire when its signal aborts', async () => {
    const limiter = createSlidingWindowRateLimiter({ symbology: 1 });
    await limiter.acquire('symbology');
    const controller = new AbortController();
    const waiting = limiter.acquire('symbology', controller.signal);
    controller.abort(new Error('give up'));
    await expect(waiting).rejects.toThrow('give up');
  });
});
