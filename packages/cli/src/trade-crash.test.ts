import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockDatabentoLive, startMockDatabentoLive } from '@lb/databento-live/testing';
import { type DatabentoRecord, DatabentoRType } from '@lb/dbn';
import { afterEach, describe, expect, it } from 'vitest';

const API_KEY = 'db-LIVECLIKEYabcdefghijklmnop1234';
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../dist/bin.js');
const STRATEGY = path.join(here, '__fixtures__/trade-crash.ts');

interface SavedOrder {
  id: string;
  type: string;
  status: string;
}
interface SavedFill {
  orderId: string;
  quantity: number;
  side: string;
  barOpenMs: number;
}
interface SavedState {
  orders: SavedOrder[];
  fills: SavedFill[];
  lastBarOpenMs: Record<string, number>;
}

let mock: MockDatabentoLive | undefined;
const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await mock?.close();
  mock = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The state file, or undefined while it does not exist yet (it is written by rename: never torn). */
function readState(file: string): SavedState | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedState) : undefined;
}

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startTrade(argv: string[]): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bin, 'trade', STRATEGY, ...argv], {
    env: { ...process.env, DATABENTO_API_KEY: API_KEY, DATABENTO_LIVE_GATEWAY: mock!.gateway },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('lb trade crash', () => {
  it('should resume a SIGKILLed run from its state file without repeating or losing a fill', async (context) => {
    if (!existsSync(bin)) context.skip('packages/cli/dist/bin.js is not built (pnpm build)');
    // One-second bars published about as they close, so both runs trade on bars arriving in real time.
    const firstOpenMs = Math.floor(Date.now() / 1000) * 1000;
    const records: DatabentoRecord[] = Array.from({ length: 600 }, (_, index) => ({
      rtype: DatabentoRType.Ohlcv1s,
      publisherId: 1,
      instrumentId: 100,
      tsEvent: BigInt(firstOpenMs + index * 1000) * 1_000_000n,
      open: BigInt(6000 * 4 + index) * 250_000_000n,
      high: BigInt(6000 * 4 + index + 2) * 250_000_000n,
      low: BigInt(6000 * 4 + index - 2) * 250_000_000n,
      close: BigInt(6000 * 4 + index + 1) * 250_000_000n,
      volume: 10n,
    }));
    mock = await startMockDatabentoLive({
      apiKey: API_KEY,
      instruments: [{ instrumentId: 100, rawSymbol: 'ESH6', parent: 'ES.FUT', continuous: ['ES.c.0'] }],
      records,
      publishedAtStart: 0,
      publishIntervalMs: 1000,
    });
    const folder = mkdtempSync(path.join(os.tmpdir(), 'lb-trade-crash-'));
    folders.push(folder);
    const stateFile = path.join(folder, 'account.json');
    const argv = [
      '--paper',
      '--symbols',
      'ESH6',
      '--schema',
      'ohlcv-1s',
      '--state-file',
      stateFile,
      '--bar-wait',
      '2s',
      '--out',
      path.join(folder, 'results'),
    ];

    const first = startTrade(argv);
    // Killed once something filled while the account still buys: fills and working orders are on disk.
    const beforeKill = await waitFor(
      'a first fill',
      () => {
        const state = readState(stateFile);
        return state !== undefined && state.fills.length >= 1 ? state : undefined;
      },
      90_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();
    const atKill = readState(stateFile)!;
    // The kill may land after one more save: the file on disk is what the restart must resume.
    expect(atKill.fills.slice(0, beforeKill.fills.length)).toEqual(beforeKill.fills);
    expect(atKill.fills.length).toBeLessThan(6);
    const workingAtKill = atKill.orders.filter((order) => order.status === 'open');
    expect(workingAtKill.filter((order) => order.type === 'limit')).toHaveLength(1);

    const second = startTrade([...argv, '--duration', '60s']);
    // Resumed once six contracts are held: every fill before the kill counts toward them.
    await waitFor(
      'six contracts',
      () => {
        const state = readState(stateFile);
        return state !== undefined && state.fills.length >= 6 ? state : undefined;
      },
      90_000,
    );
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    const output = second.output();
    expect(output).toContain(
      `resumed with position ${atKill.fills.length}, working [${workingAtKill.map((order) => `${order.id}:${order.type}`).join(' ')}]`,
    );
    const final = readState(stateFile)!;
    // Nothing lost: the fills before the kill come first, unchanged.
    expect(final.fills.slice(0, atKill.fills.length)).toEqual(atKill.fills);
    // Nothing repeated: six one-contract buys, each order filled once, each on a later bar than the last.
    expect(final.fills.map((fill) => [fill.side, fill.quantity])).toEqual(Array(6).fill(['buy', 1]));
    expect(new Set(final.fills.map((fill) => fill.orderId)).size).toBe(6);
    const bars = final.fills.map((fill) => fill.barOpenMs);
    expect(bars).toEqual([...bars].sort((left, right) => left - right));
    expect(new Set(bars).size).toBe(6);
    // The limit order working at the kill is the only one still working: it was resumed, not resubmitted.
    const limitAtKill = workingAtKill.find((order) => order.type === 'limit')!;
    expect(
      final.orders.filter((order) => order.type === 'limit').map((order) => [order.id, order.status]),
    ).toEqual([[limitAtKill.id, 'open']]);
    expect(final.orders.filter((order) => order.status === 'filled')).toHaveLength(6);
  }, 240_000);
});
