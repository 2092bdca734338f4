import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { dayCoverage, isPartitionFresh } from './freshness.js';
import type { PartitionManifest } from './manifest.js';
import {
  decodePathSegment,
  encodePathSegment,
  partitionPaths,
  resolveCacheDirectory,
  utcDaysCovering,
} from './partition-layout.js';

describe('encodePathSegment', () => {
  it('should round-trip any string into a single safe path segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (value) => {
        // Lone surrogates are not text (they have no UTF-8 form); symbols never contain them.
        fc.pre(!/\p{Cs}/u.test(value));
        const segment = encodePathSegment(value);
        expect(segment).toMatch(/^[A-Za-z0-9._%-]+$/);
        expect(segment === '.' || segment === '..').toBe(false);
        if (value !== '.' && value !== '..') expect(decodePathSegment(segment)).toBe(value);
      }),
    );
  });

  it('should keep Databento names readable', () => {
    expect(
      partitionPaths('/c', {
        sourceId: 'databento',
        dataset: 'GLBX.MDP3',
        schema: 'ohlcv-1m',
        symbol: 'ES.v.0',
        day: '2024-01-02',
      }),
    ).toEqual({
      seriesDirectory: '/c/databento/GLBX.MDP3/ohlcv-1m/ES.v.0',
      dataPath: '/c/databento/GLBX.MDP3/ohlcv-1m/ES.v.0/2024-01-02.feather',
      manifestPath: '/c/databento/GLBX.MDP3/ohlcv-1m/ES.v.0/2024-01-02.manifest.json',
    });
    expect(encodePathSegment('stock:AAPL')).toBe('stock%3AAAPL');
  });
});

describe('resolveCacheDirectory', () => {
  const saved = process.env.LB_CACHE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.LB_CACHE_DIR;
    else process.env.LB_CACHE_DIR = saved;
  });

  it('should prefer the option, then LB_CACHE_DIR, then ~/.lumibot/cache/databento', () => {
    process.env.LB_CACHE_DIR = '/from/environment';
    expect(resolveCacheDirectory('/from/option')).toBe('/from/option');
    expect(resolveCacheDirectory()).toBe('/from/environment');
    delete process.env.LB_CACHE_DIR;
    expect(resolveCacheDirectory()).toBe(join(homedir(), '.lumibot', 'cache', 'databento'));
    process.env.LB_CACHE_DIR = '';
    expect(resolveCacheDirectory('')).toBe(join(homedir(), '.lumibot', 'cache', 'databento'));
  });
});

describe('utcDaysCovering', () => {
  it('should list the UTC days intersecting [start, end)', () => {
    expect(utcDaysCovering(new Date('2024-02-28T23:00:00Z'), new Date('2024-03-01T00:00:00Z'))).toEqual([
      '2024-02-28',
      '2024-02-29',
    ]);
    expect(utcDaysCovering(new Date('2024-03-01T00:00:00Z'), new Date('2024-03-01T00:00:00.001Z'))).toEqual([
      '2024-03-01',
    ]);
    expect(utcDaysCovering(new Date('2024-03-02T00:00:00Z'), new Date('2024-03-01T00:00:00Z'))).toEqual([]);
  });
});

describe('freshness', () => {
  const manifest = (overrides: Partial<PartitionManifest>): PartitionManifest => ({
    formatVersion: 1,
    sourceId: 's',
    dataset: 'd',
    schema: 'ohlcv-1m',
    symbol: 'ESH4',
    day: '2024-01-10',
    coveredStart: '2024-01-10T00:00:00.000Z',
    coveredEnd: '2024-01-10T12:00:00.000Z',
    rowCount: 0,
    byteLength: 0,
    sha256: '0'.repeat(64),
    writtenAt: '2024-01-10T12:00:00.000Z',
    complete: false,
    availableEndAtFetch: '2024-01-10T12:00:00.000Z',
    downloadBytes: 0,
    ...overrides,
  });
  const at = (iso: string) => Date.parse(iso);

  it('should never expire a complete day', () => {
    expect(
      isPartitionFresh(manifest({ complete: true }), {
        nowMs: at('2030-01-01T00:00:00Z'),
        availableEndMs: at('2030-01-01T00:00:00Z'),
        partialDayTtlMs: 1,
      }),
    ).toBe(true);
  });

  it('should expire a partial day when the available end moves past it or after the TTL', () => {
    const partial = manifest({});
    const context = { nowMs: at('2024-01-10T12:01:00Z'), partialDayTtlMs: 600_000 };
    expect(isPartitionFresh(partial, { ...context, availableEndMs: at('2024-01-10T12:00:00Z') })).toBe(true);
    expect(isPartitionFresh(partial, { ...context, availableEndMs: at('2024-01-10T12:01:00Z') })).toBe(false);
    expect(isPartitionFresh(partial, { ...context, availableEndMs: undefined })).toBe(true);
    expect(
      isPartitionFresh(partial, { ...context, nowMs: at('2024-01-10T12:10:00Z'), availableEndMs: undefined }),
    ).toBe(false);
  });

  it('should cover a day up to the available end', () => {
    expect(dayCoverage('2024-01-10', at('2024-01-10T12:00:00Z'))).toEqual({
      coveredStartMs: at('2024-01-10T00:00:00Z'),
      coveredEndMs: at('2024-01-10T12:00:00Z'),
      complete: false,
    });
    expect(dayCoverage('2024-01-10', at('2024-01-11T00:00:00Z'))?.complete).toBe(true);
    expect(dayCoverage('2024-01-10', at('2024-01-10T00:00:00Z'))).toBeUndefined();
  });
});
