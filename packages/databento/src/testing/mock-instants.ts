import { HttpError } from './mock-http-error.js';
import type { MockInstant } from './mock-types.js';

// Instants of the mock: UNIX nanoseconds as bigint, parsed from Databento's datetime parameters.
export const NANOS_PER_MS = 1_000_000n;
export const NANOS_PER_DAY = 86_400_000_000_000n;

/** Parses Databento datetime text: ISO dates or times, UTC when naive. */
export function parseInstant(text: string): Date {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return new Date(`${trimmed}T00:00:00Z`);
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  return new Date(hasZone ? trimmed : `${trimmed}Z`);
}

export function toNanos(value: MockInstant): bigint {
  if (typeof value === 'bigint') return value;
  const date = value instanceof Date ? value : parseInstant(value);
  return BigInt(date.getTime()) * NANOS_PER_MS;
}

/** A datetime parameter: integer nanoseconds or ISO text. */
export function paramNanos(text: string): bigint {
  if (/^\d+$/.test(text.trim())) return BigInt(text.trim());
  const date = parseInstant(text);
  if (Number.isNaN(date.getTime())) throw new HttpError(422, `Could not parse datetime "${text}".`);
  return BigInt(date.getTime()) * NANOS_PER_MS;
}

export function nanosToIso(nanos: bigint): string {
  return new Date(Number(nanos / NANOS_PER_MS)).toISOString();
}

export function dayNumber(nanos: bigint): number {
  return Number(nanosToIso(nanos).slice(0, 10).replaceAll('-', ''));
}

export const compareBigint = (left: bigint, right: bigint) => (left < right ? -1 : left > right ? 1 : 0);
export const maxBig = (left: bigint, right: bigint) => (left > right ? left : right);
export const minBig = (left: bigint, right: bigint) => (left < right ? left : right);
