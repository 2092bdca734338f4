/**
 * Databento's documented historical request rates (per team and IP): 100 timeseries and 100 symbology
 * requests per second, 20 metadata requests per second. Staying under them avoids 429s in the first place.
 */
export type DatabentoEndpointGroup = 'timeseries' | 'symbology' | 'metadata';

/** Requests per second per endpoint group. */
export const DATABENTO_RATE_LIMITS: Readonly<Record<DatabentoEndpointGroup, number>> = {
  timeseries: 100,
  symbology: 100,
  metadata: 20,
};

/** Waits until a request of a group may be sent. */
export interface RateLimiter {
  acquire(group: DatabentoEndpointGroup, signal?: AbortSignal): Promise<void>;
}

/**
 * One token bucket per endpoint group: capacity = rate (a one-second burst), refilled continuously.
 * Waiters queue in order, so concurrent callers are spread over time rather than all retried on 429.
 */
export function createTokenBucketRateLimiter(
  ratesPerSecond: Partial<Record<DatabentoEndpointGroup, number>> = {},
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<
    DatabentoEndpointGroup,
    { tokens: number; updatedMs: number; tail: Promise<void> }
  >();
  const rateOf = (group: DatabentoEndpointGroup) => ratesPerSecond[group] ?? DATABENTO_RATE_LIMITS[group];

  async function take(group: DatabentoEndpointGroup, signal: AbortSignal | undefined): Promise<void> {
    const rate = rateOf(group);
    const bucket = buckets.get(group)!;
    for (;;) {
      signal?.throwIfAborted();
      const time = now();
      bucket.tokens = Math.min(rate, bucket.tokens + ((time - bucket.updatedMs) / 1000) * rate);
      bucket.updatedMs = time;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await sleep(((1 - bucket.tokens) / rate) * 1000, signal);
    }
  }

  return {
    acquire(group, signal) {
      let bucket = buckets.get(group);
      if (bucket === undefined) {
        bucket = { tokens: rateOf(group), updatedMs: now(), tail: Promise.resolve() };
        buckets.set(group, bucket);
      }
      const turn = bucket.tail.then(() => take(group, signal));
      // The next waiter starts after this one, whether it succeeded or was aborted.
      bucket.tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
