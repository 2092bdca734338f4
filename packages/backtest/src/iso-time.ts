const DAY_MS = 86_400_000;

/** "HH:MM" of each minute of the day, made on first use and shared by every formatter. */
const MINUTE_TEXTS: Array<string | undefined> = new Array(1440).fill(undefined);

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * Formats instants as ISO 8601 text, caching the most recent instant: a fill, the order it completes and
 * the position it changes share one timestamp, and toISOString is costly next to the rest of a fill.
 */
export class IsoTimeFormatter {
  #isoTimeMs = Number.NaN;
  #isoText = '';
  #isoDayMs = Number.NaN;
  #isoDayPrefix = '';

  /**
   * ISO 8601 text of an instant, cached for the most recent instant: a fill, the order it completes and the
   * position it changes share one timestamp, and toISOString is costly next to the rest of a fill.
   */
  format(timeMs: number): string {
    if (timeMs === this.#isoTimeMs) return this.#isoText;
    this.#isoTimeMs = timeMs;
    const dayMs = timeMs - (((timeMs % DAY_MS) + DAY_MS) % DAY_MS);
    if (dayMs !== this.#isoDayMs) {
      this.#isoDayMs = dayMs;
      this.#isoDayPrefix = new Date(dayMs).toISOString().slice(0, 11);
    }
    // Same text as Date#toISOString, from a cached date part and "HH:MM" part: fills land on whole minutes,
    // so most instants are two concatenations (each concatenation is a string the GC must copy).
    const ofDay = timeMs - dayMs;
    const minuteOfDay = Math.floor(ofDay / 60_000);
    const withinMinuteMs = ofDay - minuteOfDay * 60_000;
    let hoursMinutes = MINUTE_TEXTS[minuteOfDay];
    if (hoursMinutes === undefined) {
      hoursMinutes = `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`;
      MINUTE_TEXTS[minuteOfDay] = hoursMinutes;
    }
    const secondsText =
      withinMinuteMs === 0
        ? ':00.000Z'
        : `:${pad2(Math.floor(withinMinuteMs / 1_000))}.${String(1000 + (withinMinuteMs % 1_000)).slice(1)}Z`;
    this.#isoText = this.#isoDayPrefix + hoursMinutes + secondsText;
    return this.#isoText;
  }
}
