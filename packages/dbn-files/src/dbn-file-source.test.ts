import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  activeContract,
  continuousFuture,
  DataSourceError,
  fetchBars,
  fetchInstrument,
  future,
  parseTimestep,
  stock,
  UnsupportedFunctionalityError,
} from '@lb/core';
import { describeDataSourceContract } from '@lb/core/testing/contract';
import { compressZstd, encodeOhlcvColumns } from '@lb/dbn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definitionFile,
  futureDefinition,
  minuteBars,
  nanos,
  ohlcvFile,
  writeFixture,
} from './__fixtures__/dbn-fixtures.js';
import { DbnFileError } from './dbn-file-error.js';
import { createDbnFileSource } from './dbn-file-source.js';

const ESZ3_ID = 101;
const ESH4_ID = 102;
const MESH4_ID = 201;

/** A folder like a Databento batch download: one file per symbol and schema, plus definitions. */
async function writeSampleFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-'));
  await writeFixture(
    dir,
    'GLBX.MDP3/ohlcv-1m/ESZ3.dbn.zst',
    await ohlcvFile({
      rawSymbol: 'ESZ3',
      instrumentId: ESZ3_ID,
      start: '2023-12-05T00:00:00Z',
      end: '2023-12-09T00:00:00Z',
      base: 4600,
      compress: true,
    }),
  );
  // Uncompressed on purpose: the source must read both.
  await writeFixture(
    dir,
    'GLBX.MDP3/ohlcv-1m/ESH4.dbn',
    await ohlcvFile({
      rawSymbol: 'ESH4',
      instrumentId: ESH4_ID,
      start: '2023-12-05T00:00:00Z',
      end: '2023-12-09T00:00:00Z',
      base: 4700,
    }),
  );
  // A hand-made file without symbol mappings: ids must come from the definition records.
  await writeFixture(
    dir,
    'misc/mes-no-mappings.dbn',
    encodeOhlcvColumns(minuteBars(MESH4_ID, '2023-12-05T00:00:00Z', '2023-12-05T01:00:00Z', 4710), {
      metadata: {
        dataset: 'GLBX.MDP3',
        schema: 'ohlcv-1m',
        startNanos: nanos('2023-12-05T00:00:00Z'),
        endNanos: nanos('2023-12-05T01:00:00Z'),
        symbols: ['ALL_SYMBOLS'],
      },
    }),
  );
  await writeFixture(
    dir,
    'GLBX.MDP3/definition/definitions.dbn.zst',
    await definitionFile(
      [
        futureDefinition({
          rawSymbol: 'ESZ3',
          instrumentId: ESZ3_ID,
          tsRecv: nanos('2023-12-05T00:00:00Z'),
          multiplier: 50,
          tickSize: 0.25,
          expiration: nanos('2023-12-15T14:30:00Z'),
        }),
        futureDefinition({
          rawSymbol: 'ESH4',
          instrumentId: ESH4_ID,
          tsRecv: nanos('2023-12-05T00:00:00Z'),
          multiplier: 50,
          tickSize: 0.25,
          expiration: nanos('2024-03-15T13:30:00Z'),
        }),
        futureDefinition({
          rawSymbol: 'MESH4',
          instrumentId: MESH4_ID,
          tsRecv: nanos('2023-12-05T00:00:00Z'),
          multiplier: 5,
          tickSize: 0.25,
          expiration: nanos('2024-03-15T13:30:00Z'),
        }),
      ],
      '2023-12-05T00:00:00Z',
      '2023-12-06T00:00:00Z',
    ),
  );
  return dir;
}

describeDataSourceContract('dbn-files', async () => {
  const dir = await writeSampleFolder();
  return {
    source: createDbnFileSource({ dir }),
    bars: {
      asset: future('ESH4'),
      timestep: '1m',
      start: new Date('2023-12-06T14:30:00Z'),
      end: new Date('2023-12-06T15:30:00Z'),
    },
    emptyWindow: { start: new Date('2024-01-02T00:00:00Z'), end: new Date('2024-01-03T00:00:00Z') },
    instrument: { asset: future('ESH4'), at: new Date('2023-12-06T00:00:00Z') },
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('createDbnFileSource', () => {
  let dir: string;
  const minute = parseTimestep('1m');

  beforeAll(async () => {
    dir = await writeSampleFolder();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should declare the timestep units of the OHLCV schemas found', () => {
    const source = createDbnFileSource({ dir });
    expect(source.capabilities).toEqual({
      assetTypes: ['stock', 'future'],
      timestepUnits: ['minute'],
      continuousFutures: false,
      instruments: true,
      assetListing: true,
    });
    expect(source.files().map((file) => file.metadata.schema)).toEqual([
      'definition',
      'ohlcv-1m',
      'ohlcv-1m',
      'ohlcv-1m',
    ]);
  });

  it('should read instrument specs from definition files', async () => {
    const source = createDbnFileSource({ dir });
    const at = new Date('2023-12-06T00:00:00Z');
    await expect(source.doFetchInstrument({ asset: future('ESH4'), at })).resolves.toEqual({
      symbol: 'ESH4',
      multiplier: 50,
      tickSize: 0.25,
      expiration: '2024-03-15',
      currency: 'USD',
    });
    await expect(fetchInstrument(source, continuousFuture('MES'), at)).resolves.toEqual({
      symbol: 'MESH4',
      multiplier: 5,
      tickSize: 0.25,
      expiration: '2024-03-15',
      currency: 'USD',
    });
    const missing = await source.doFetchInstrument({ asset: future('NQH4'), at }).catch((error) => error);
    expect(DataSourceError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain('No instrument definition for NQH4');
  });

  it('should stitch a continuous future across the roll from the right files', async () => {
    const source = createDbnFileSource({ dir });
    const bars = await fetchBars(source, {
      asset: continuousFuture('ES'),
      timestep: '1m',
      start: '2023-12-05T00:00:00Z',
      end: '2023-12-07T00:00:00Z',
    });
    // Core's equity-index rule: 00:00 New York eight business days before the third Friday (Dec 15).
    const roll = activeContract('ES', new Date('2023-12-05T00:00:00Z')).rollInstant;
    expect(roll.toISOString()).toBe('2023-12-05T05:00:00.000Z');
    const rollIndex = bars.indexAtOrAfter(roll);
    expect(bars.length).toBe(2 * 1440);
    expect(bars.metadata.segments).toEqual([
      { symbol: 'ESZ3', startIndex: 0 },
      { symbol: 'ESH4', startIndex: rollIndex },
    ]);
    expect(rollIndex).toBe(300);
    // ESZ3 closes at 4600 + 0.25 per minute since 2023-12-05, ESH4 at 4700 + the same.
    expect(bars.close[rollIndex - 1]).toBe(4600 + 299 * 0.25);
    expect(bars.close[rollIndex]).toBe(4700 + 300 * 0.25);
  });

  it('should find a symbol through definition records when the file has no mappings', async () => {
    const source = createDbnFileSource({ dir });
    const bars = await source.doFetchBars({
      asset: future('MESH4'),
      timestep: minute,
      start: new Date('2023-12-05T00:00:00Z'),
      end: new Date('2023-12-06T00:00:00Z'),
    });
    expect(bars.length).toBe(60);
    expect(bars.metadata.symbol).toBe('MESH4');
    expect(bars.close[0]).toBe(4710);
  });

  it('should list raw symbols from headers and from definitions whose header names none', async () => {
    // ESZ3 and ESH4 are named by their OHLCV headers; MESH4 only by a record of the definition file,
    // whose header (like the hand-made MES file's) has no mappings.
    const source = createDbnFileSource({ dir });
    expect(await source.doListAssets({ near: 'ESM4', limit: 2 })).toEqual({
      assets: [
        { symbol: 'ESH4', datasets: ['GLBX.MDP3'] },
        { symbol: 'ESZ3', datasets: ['GLBX.MDP3'] },
      ],
      truncated: true,
      totalAssets: 3,
    });
    expect((await source.doListAssets()).assets.map((asset) => asset.symbol)).toEqual([
      'ESH4',
      'ESZ3',
      'MESH4',
    ]);
  });

  it('should resample to multiples of a schema it has', async () => {
    const source = createDbnFileSource({ dir });
    const bars = await source.doFetchBars({
      asset: future('ESH4'),
      timestep: parseTimestep('15m'),
      start: new Date('2023-12-06T00:00:00Z'),
      end: new Date('2023-12-06T01:00:00Z'),
    });
    expect(bars.length).toBe(4);
    expect(bars.volume[0]).toBe(150);
  });

  it('should return empty bars and log when an asset is absent', async () => {
    const messages: string[] = [];
    const source = createDbnFileSource({ dir, logger: { debug: (message) => messages.push(message) } });
    const bars = await source.doFetchBars({
      asset: stock('AAPL'),
      timestep: minute,
      start: new Date('2023-12-06T00:00:00Z'),
      end: new Date('2023-12-07T00:00:00Z'),
    });
    expect(bars.length).toBe(0);
    expect(messages.some((message) => message.includes('no ohlcv-1m bars for AAPL'))).toBe(true);
  });

  it('should reject continuous futures, and timesteps no schema can serve', async () => {
    const source = createDbnFileSource({ dir });
    const window = { start: new Date('2023-12-06T00:00:00Z'), end: new Date('2023-12-07T00:00:00Z') };
    const continuous = await source
      .doFetchBars({ asset: continuousFuture('ES'), timestep: minute, ...window })
      .catch((error) => error);
    expect(UnsupportedFunctionalityError.isInstance(continuous)).toBe(true);
    const seconds = await source
      .doFetchBars({ asset: future('ESH4'), timestep: parseTimestep('30s'), ...window })
      .catch((error) => error);
    expect(UnsupportedFunctionalityError.isInstance(seconds)).toBe(true);
  });

  it('should locate a request and report the range its files cover', async () => {
    const source = createDbnFileSource({ dir });
    const request = {
      asset: future('ESZ3'),
      timestep: minute,
      start: new Date('2023-12-06T00:00:00Z'),
      end: new Date('2023-12-07T00:00:00Z'),
    };
    expect(source.locateBars(request)).toEqual({ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', symbol: 'ESZ3' });
    await expect(source.doFetchAvailableRange(request)).resolves.toEqual({
      start: new Date('2023-12-05T00:00:00Z'),
      end: new Date('2023-12-09T00:00:00Z'),
    });
  });
});

describe('createDbnFileSource index', () => {
  it('should keep its index until a request forces a cache update', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-refresh-'));
    try {
      const window = { start: '2023-12-06T00:00:00Z', end: '2023-12-06T01:00:00Z' };
      const file = (rawSymbol: string, instrumentId: number) =>
        ohlcvFile({ rawSymbol, instrumentId, ...window, base: 4700 });
      await writeFixture(dir, 'ESH4.dbn', await file('ESH4', ESH4_ID));
      const source = createDbnFileSource({ dir });
      const request = {
        asset: future('ESM4'),
        timestep: parseTimestep('1m'),
        start: new Date(window.start),
        end: new Date(window.end),
      };
      expect((await source.doFetchBars(request)).length).toBe(0);
      await writeFixture(dir, 'ESM4.dbn', await file('ESM4', 103));
      expect((await source.doFetchBars(request)).length).toBe(0);
      expect((await source.doFetchBars({ ...request, forceCacheUpdate: true })).length).toBe(60);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createDbnFileSource with corrupt files', () => {
  const request = {
    asset: future('ESH4'),
    timestep: parseTimestep('1m'),
    start: new Date('2023-12-06T00:00:00Z'),
    end: new Date('2023-12-07T00:00:00Z'),
  };

  it('should name a file whose header is not DBN', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-corrupt-'));
    try {
      const path = await writeFixture(dir, 'broken.dbn', new TextEncoder().encode('definitely not DBN data'));
      const error = await createDbnFileSource({ dir })
        .doFetchBars(request)
        .catch((thrown: unknown) => thrown);
      expect(DbnFileError.isInstance(error)).toBe(true);
      expect(DataSourceError.isInstance(error)).toBe(true);
      expect((error as DbnFileError).filePath).toBe(path);
      expect((error as DbnFileError).message).toContain(path);
      expect((error as DbnFileError).cause).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should read good files whose padded metadata leaves the records off a 4-byte boundary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-padded-'));
    try {
      const whole = await ohlcvFile({
        rawSymbol: 'ESH4',
        instrumentId: ESH4_ID,
        start: '2023-12-06T00:00:00Z',
        end: '2023-12-06T01:00:00Z',
        base: 4700,
      });
      // DBN allows padding in the metadata length: add one byte, so the records start at an odd offset.
      const metadataEnd = 8 + new DataView(whole.buffer).getUint32(4, true);
      const padded = new Uint8Array(whole.length + 1);
      padded.set(whole.subarray(0, metadataEnd), 0);
      padded.set(whole.subarray(metadataEnd), metadataEnd + 1);
      new DataView(padded.buffer).setUint32(4, metadataEnd - 8 + 1, true);
      expect((metadataEnd + 1) % 4).not.toBe(0);
      // Plain (read into a Buffer) and zstd (inflated natively into a Buffer): both used to fail as corrupt.
      await writeFixture(dir, 'plain/ESH4.dbn', padded);
      await writeFixture(dir, 'zstd/ESH4.dbn.zst', await compressZstd(padded));
      for (const folder of ['plain', 'zstd']) {
        const bars = await fetchBars(createDbnFileSource({ dir: join(dir, folder) }), {
          asset: future('ESH4'),
          timestep: '1m',
          start: '2023-12-06T00:00:00Z',
          end: '2023-12-06T01:00:00Z',
        });
        expect(bars.length, folder).toBe(60);
        // Closes at 4700 + 0.25 per minute, opens 0.25 below.
        expect(bars.close[0], folder).toBe(4700);
        expect(bars.close[59], folder).toBe(4700 + 59 * 0.25);
        expect(bars.open[59], folder).toBe(4700 + 58 * 0.25);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should name a file whose records are truncated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-truncated-'));
    try {
      const whole = await ohlcvFile({
        rawSymbol: 'ESH4',
        instrumentId: ESH4_ID,
        start: '2023-12-06T00:00:00Z',
        end: '2023-12-06T01:00:00Z',
        base: 4700,
      });
      // Cut in the middle of a record: the header still indexes, decoding the bars fails.
      const path = await writeFixture(dir, 'ESH4.dbn', whole.subarray(0, whole.length - 20));
      const error = await createDbnFileSource({ dir })
        .doFetchBars(request)
        .catch((thrown: unknown) => thrown);
      expect(DbnFileError.isInstance(error)).toBe(true);
      expect((error as DbnFileError).filePath).toBe(path);
      expect((error as DbnFileError).message).toContain(`Cannot decode DBN file ${path}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should list a file from its header even when its records are truncated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lb-dbn-files-listing-'));
    try {
      const whole = await ohlcvFile({
        rawSymbol: 'NQH4',
        instrumentId: 301,
        start: '2023-12-06T00:00:00Z',
        end: '2023-12-06T01:00:00Z',
        base: 16000,
      });
      await writeFixture(dir, 'NQH4.dbn', whole.subarray(0, whole.length - 20));
      const source = createDbnFileSource({ dir });
      expect(await source.doListAssets()).toEqual({
        assets: [{ symbol: 'NQH4', datasets: ['GLBX.MDP3'] }],
        truncated: false,
        totalAssets: 1,
      });
      await expect(source.doFetchBars({ ...request, asset: future('NQH4') })).rejects.toSatisfy((error) =>
        DbnFileError.isInstance(error),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
