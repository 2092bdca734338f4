import { describe, expect, it } from 'vitest';
import { createTokenBucketRateLimiter } from './rate-limiter.js';

describe('createTokenBucketRateLimiter', () => {
  it('should allow a one-second burst, then space requests at the group rate', async () => {
    const limiter = createTokenBucketRateLimiter({ metadata: 20 });
    const started = performance.now();
    for (let index = 0; index < 20; index++) await limiter.acquire('metadata');
    expect(performance.now() - started).toBeLessThan(40);
    for (let index = 0; index < 4; index++) await limiter.acquire('metadata');
    // Four more tokens at 20/s take about 200 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('should keep endpoint groups independent', async () => {
    const limiter = createTokenBucketRateLimiter({ metadata: 1, timeseries: 100 });
    await limiter.acquire('metadata');
    const started = performance.now();
    await limiter.acquire('timeseries');
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('should reject a waiting acquire when its signal aborts', async () => {
    const limiter = createTokenBucketRateLimiter({ symbology: 1 });
    await limiter.acquire('symbology');
    const controller = new AbortController();
    const waiting = limiter.acquire('symbology', controller.signal);
    controller.abort(new Error('give up'));
    await expect(waiting).rejects.toThrow('give up');
  });
});
