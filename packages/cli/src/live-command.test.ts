import { type MockDatabentoLive, startMockDatabentoLive } from '@lb/databento-live/testing';
import { type DatabentoRecord, DatabentoRType } from '@lb/dbn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCaptured as run } from './__fixtures__/run-captured.js';

const API_KEY = 'db-LIVECLIKEYabcdefghijklmnop1234';
const START = 1_772_461_800_000_000_000n; // 2026-03-02T14:30:00Z
const MINUTE = 60_000_000_000n;

const bars: DatabentoRecord[] = Array.from({ length: 4 }, (_, index) => ({
  rtype: DatabentoRType.Ohlcv1m,
  publisherId: 1,
  instrumentId: 100,
  tsEvent: START + BigInt(index) * MINUTE,
  open: BigInt(6000 + index) * 1_000_000_000n,
  high: BigInt(6002 + index) * 1_000_000_000n,
  low: BigInt(5999 + index) * 1_000_000_000n,
  close: BigInt(6001 + index) * 1_000_000_000n + 500_000_000n,
  volume: BigInt(100 + index),
}));
const trades: DatabentoRecord[] = Array.from({ length: 3 }, (_, index) => ({
  rtype: DatabentoRType.Mbp0,
  publisherId: 1,
  instrumentId: 100,
  tsEvent: START + BigInt(index) * 1_000_000n,
  tsRecv: START + BigInt(index) * 1_000_000n,
  action: 'T',
  side: index === 1 ? 'A' : 'B',
  depth: 0,
  price: 6_000_250_000_000n + BigInt(index) * 250_000_000n,
  size: 2 + index,
  flags: 0,
  tsInDelta: 0,
  sequence: 10 + index,
}));

let mock: MockDatabentoLive | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await mock?.close();
  mock = undefined;
});

async function useMock(records: DatabentoRecord[], options: { publishedAtStart?: number } = {}) {
  mock = await startMockDatabentoLive({
    apiKey: API_KEY,
    instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
    records,
    ...options,
  });
  vi.stubEnv('DATABENTO_API_KEY', API_KEY);
  vi.stubEnv('DATABENTO_LIVE_GATEWAY', mock.gateway);
  return mock;
}

describe('lb live against the mock Databento live gateway', () => {
  it('should print replayed bars as JSON lines and exit 0 after --count', async () => {
    await useMock(bars);
    const result = await run(
      'live',
      'bars',
      'ES.c.0',
      '--stype',
      'continuous',
      '--replay-from',
      '2026-03-02T14:30:00Z',
      '--count',
      '2',
      '--format',
      'json',
    );
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '{"time":"2026-03-02T14:30:00.000Z","symbol":"ESH6","open":6000,"high":6002,"low":5999,"close":6001.5,"volume":100}\n' +
        '{"time":"2026-03-02T14:31:00.000Z","symbol":"ESH6","open":6001,"high":6003,"low":6000,"close":6002.5,"volume":101}\n',
    });
    expect(mock!.receivedLines[1]).toBe(
      'schema=ohlcv-1m|stype_in=continuous|symbols=ES.c.0|start=1772461800000000000|snapshot=0|id=1|is_last=1',
    );
  });

  it('should print trades as CSV', async () => {
    await useMock(trades);
    const result = await run(
      'live',
      'trades',
      'ESH6',
      '--replay-from',
      '2026-03-02T14:30:00Z',
      '--count',
      '3',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'time,symbol,price,size,side\n' +
        '2026-03-02T14:30:00.000Z,ESH6,6000.25,2,B\n' +
        '2026-03-02T14:30:00.001Z,ESH6,6000.5,3,A\n' +
        '2026-03-02T14:30:00.002Z,ESH6,6000.75,4,B\n',
    );
  });

  it('should exit 1 with one "Authentication failed" line, never printing the key', async () => {
    await useMock(trades);
    const wrongKey = 'db-WRONGKEYabcdefghijklmnopq12345';
    vi.stubEnv('DATABENTO_API_KEY', wrongKey);
    const result = await run('live', 'trades', 'ESH6');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain('Authentication failed');
    expect(result.stderr + result.stdout).not.toContain(wrongKey);
    expect(mock!.connectionCount).toBe(1);
  });

  it('should exit 0 on Ctrl-C', async () => {
    const gateway = await useMock(trades, { publishedAtStart: 0 });
    const running = run('live', 'trades', 'ESH6');
    await vi.waitFor(() => expect(gateway.receivedLines).toContain('start_session'));
    process.emit('SIGINT');
    const result = await running;
    expect(result).toEqual({ code: 0, stdout: 'time,symbol,price,size,side\n', stderr: '' });
  });

  it('should exit 0 on Ctrl-C while still connecting', async () => {
    const gateway = await useMock(trades);
    gateway.queueFaults({ kind: 'no_greeting' });
    const running = run('live', 'bars', 'ESH6');
    await vi.waitFor(() => expect(gateway.connectionCount).toBe(1));
    process.emit('SIGINT');
    expect(await running).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('should reject an unknown bar schema as bad usage', async () => {
    const result = await run('live', 'bars', 'ESH6', '--schema', 'ohlcv-1d');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --schema must be one of ohlcv-1s, ohlcv-1m, ohlcv-1h, got "ohlcv-1d"\n',
    );
  });
});
