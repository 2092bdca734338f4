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
 * A sliding-window limiter per endpoint group: at most `rate` requests in any one-second window (for a
 * fractional rate, `max(1, floor(rate))` requests per `capacity / rate` seconds). A token bucket of
 * capacity `rate` would let a full burst through and then refill during the same second, sending up to
 * twice the documented rate within one second; a window of send times never does. Waiters queue in order,
 * so concurrent callers are spread over time rather than all retried on 429.
 */
export function createSlidingWindowRateLimiter(
  ratesPerSecond: Partial<Record<DatabentoEndpointGroup, number>> = {},
  now: () => number = () => performance.now(),
): RateLimiter {
  const windows = new Map<DatabentoEndpointGroup, { sentAtMs: number[]; tail: Promise<void> }>();

  async function take(group: DatabentoEndpointGroup, signal: AbortSignal | undefined): Promise<void> {
    const rate = ratesPerSecond[group] ?? DATABENTO_RATE_LIMITS[group];
    const capacity = Math.max(1, Math.floor(rate));
    const windowMs = (capacity / rate) * 1000;
    const window = windows.get(group)!;
    for (;;) {
      signal?.throwIfAborted();
      const time = now();
      // A send at t counts for [t, t + windowMs).
      while (window.sentAtMs.length > 0 && window.sentAtMs[0]! + windowMs <= time) window.sentAtMs.shift();
      if (window.sentAtMs.length < capacity) {
        window.sentAtMs.push(time);
        return;
      }
      await sleep(window.sentAtMs[0]! + windowMs - time, signal);
    }
  }

  return {
    acquire(group, signal) {
      let window = windows.get(group);
      if (window === undefined) {
        window = { sentAtMs: [], tail: Promise.resolve() };
        windows.set(group, window);
      }
      const turn = window.tail.then(() => take(group, signal));
      // The next waiter starts after this one, whether it succeeded or was aborted.
      window.tail = turn.catch(() => undefined);
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
