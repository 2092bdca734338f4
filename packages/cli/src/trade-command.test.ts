import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockDatabentoLive, startMockDatabentoLive } from '@lb/databento-live/testing';
import { type DatabentoRecord, DatabentoRType } from '@lb/dbn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCaptured as run } from './__fixtures__/run-captured.js';

const API_KEY = 'db-LIVECLIKEYabcdefghijklmnop1234';
// Three bars ending at the current minute: recent enough that the engine trades on them.
const START = BigInt(Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000) * 1_000_000n;
const STRATEGY = fileURLToPath(new URL('./__fixtures__/trade-mes.ts', import.meta.url));

const bars: DatabentoRecord[] = Array.from({ length: 4 }, (_, index) => ({
  rtype: DatabentoRType.Ohlcv1m,
  publisherId: 1,
  instrumentId: 100,
  tsEvent: START + BigInt(index) * 60_000_000_000n,
  open: BigInt(6000 + index) * 1_000_000_000n,
  high: BigInt(6002 + index) * 1_000_000_000n,
  low: BigInt(5999 + index) * 1_000_000_000n,
  close: BigInt(6001 + index) * 1_000_000_000n,
  volume: BigInt(100 + index),
}));

let mock: MockDatabentoLive | undefined;
const folders: string[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await mock?.close();
  mock = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'lb-trade-cli-'));
  folders.push(folder);
  return folder;
}

describe('lb trade', () => {
  it('should refuse to run without --paper or without --symbols', async () => {
    const noPaper = await run('trade', STRATEGY, '--symbols', 'ESH6');
    expect(noPaper.code).toBe(2);
    expect(noPaper.stderr).toContain('needs --paper');
    const noSymbols = await run('trade', STRATEGY, '--paper');
    expect(noSymbols.code).toBe(2);
    expect(noSymbols.stderr).toContain('--symbols is required');
  });

  it('should trade against the mock gateway for --duration, save the account and write results', async () => {
    mock = await startMockDatabentoLive({
      apiKey: API_KEY,
      instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
      records: bars,
    });
    vi.stubEnv('DATABENTO_API_KEY', API_KEY);
    vi.stubEnv('DATABENTO_LIVE_GATEWAY', mock.gateway);
    const folder = tempFolder();
    const stateFile = path.join(folder, 'account.json');
    const out = path.join(folder, 'results');
    const result = await run(
      'trade',
      STRATEGY,
      '--paper',
      '--symbols',
      'ESH6',
      '--state-file',
      stateFile,
      '--duration',
      // Room for a loaded machine: the first iteration comes after one --bar-wait past the next second.
      '6s',
      '--bar-wait',
      '1s',
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Paper trading ESH6 (ohlcv-1m)');
    expect(result.stdout).toContain(
      'History: none (pass --data-source or --data-dir to load it); the strategy sees only the live bars closed so far\n',
    );
    expect(result.stdout).toContain(`Account saved to ${stateFile}`);
    expect(mock.connectionCount).toBe(1);
    expect(result.stdout).toContain('submitted order 1: buy 1 future:ESH2026 market');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state.initialCash).toBe(50_000);
    // No bar closed after the order: it is still working, saved for the next run.
    expect(state.orders.map((order: { id: string; status: string }) => [order.id, order.status])).toEqual([
      ['1', 'open'],
    ]);
    expect(state.fills).toEqual([]);
    const [runFolder] = readdirSync(out);
    for (const file of ['trades.csv', 'equity.csv', 'stats.json', 'tearsheet.html']) {
      expect(existsSync(path.join(out, runFolder!, file))).toBe(true);
    }
  }, 30_000);
});
