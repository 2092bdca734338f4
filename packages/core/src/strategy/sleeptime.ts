import { InvalidArgumentError } from '../errors.js';

/**
 * How often a strategy iterates: `'1M'`, `'15M'`, `'1H'`, `'1D'` (Lumibot's forms, case-insensitive, also
 * `'30S'`), or a number of minutes.
 */
export type Sleeptime = number | `${number}${'S' | 's' | 'M' | 'm' | 'H' | 'h' | 'D' | 'd'}`;

const SLEEPTIME_UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Converts a sleeptime to milliseconds.
 * @throws InvalidArgumentError for anything else than the forms of {@link Sleeptime}.
 */
export function parseSleeptime(sleeptime: Sleeptime | string): number {
  if (typeof sleeptime === 'number') {
    if (Number.isFinite(sleeptime) && sleeptime > 0) return Math.round(sleeptime * 60_000);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(sleeptime);
    if (match !== null) {
      const milliseconds = Number(match[1]) * SLEEPTIME_UNIT_MS[match[2]!.toLowerCase()]!;
      if (milliseconds >= 1_000) return Math.round(milliseconds);
    }
  }
  throw new InvalidArgumentError(
    `Invalid sleeptime ${JSON.stringify(sleeptime)}: use a positive number of minutes or a string such as "1M", "15M", "1H", "1D" (S, M, H, D units).`,
    { argument: 'sleeptime' },
  );
}
