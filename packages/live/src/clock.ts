/**
 * Time as the live engine sees it. The system clock in production; tests inject a {@link createTestClock}
 * so a whole session runs in milliseconds, deterministically.
 */
export interface TradeClock {
  /** The current time, epoch ms. */
  nowMs(): number;
  /** Resolves once the clock reads at least `timeMs` (at once when it already does); rejects on abort. */
  sleepUntil(timeMs: number, signal?: AbortSignal): Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** The wall clock: `Date.now()` and timers. */
export const systemClock: TradeClock = {
  nowMs: () => Date.now(),
  sleepUntil(timeMs, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const delayMs = timeMs - Date.now();
      if (delayMs <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal!));
      };
      // Timers cap at 2^31 - 1 ms; sleep in chunks for far-away instants (weekend closes).
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          systemClock.sleepUntil(timeMs, signal).then(resolve, reject);
        },
        Math.min(delayMs, 2_147_483_647),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/** A clock that jumps: {@link TradeClock.sleepUntil} moves it forward at once (after yielding to I/O). */
export interface TestClock extends TradeClock {
  /** Moves the clock to `timeMs` (never backwards). */
  setNowMs(timeMs: number): void;
}

/**
 * A virtual clock starting at `startMs`: sleeping moves time forward immediately, so the engine only waits
 * for data (bars from a mock gateway), never for the wall clock. For tests and replays.
 */
export function createTestClock(startMs: number): TestClock {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    setNowMs(timeMs) {
      if (timeMs > nowMs) nowMs = timeMs;
    },
    async sleepUntil(timeMs, signal) {
      // A macrotask turn lets sockets deliver data between steps, as real time would.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortError(signal);
      if (timeMs > nowMs) nowMs = timeMs;
    },
  };
}
