import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockDataSource } from '@lb/core/testing';
import { createDatabentoLive, createLiveBarFeed } from '@lb/databento-live';
import { startMockDatabentoLive } from '@lb/databento-live/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ParityStrategy } from './__fixtures__/parity-strategy.js';
import {
  ES_INSTRUMENTS,
  ESH6,
  MINUTE_MS,
  minuteBarRecords,
  TAPE_START_MS,
  TEST_API_KEY,
  TEST_INSTRUMENTS,
} from './__fixtures__/tape.js';
import { createTestClock } from './clock.js';
import { PaperBroker } from './paper-broker.js';
import { readPaperBrokerState } from './state-file.js';
import { trade } from './trade.js';

const BAR_COUNT = 40;
const END_MS = TAPE_START_MS + BAR_COUNT * MINUTE_MS;
const CHILD = fileURLToPath(new URL('./__fixtures__/crash-child.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the child; resolves with its output once `until` matches it (or it exits). */
function runChild(
  env: Record<string, string>,
  until: RegExp,
): Promise<{ child: ChildProcess; output: string; match: RegExpMatchArray | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    // tsx resolves from the working directory: this package's, whichever folder vitest started in.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  let errors = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(until);
      if (match !== null) resolve({ child, output, match });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('exit', (code) => {
      if (output.match(until) === null) reject(new Error(`child exited with ${code}: ${errors}`));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('trade (crash)', () => {
  it('should resume after SIGKILL with the same positions and working orders, no fill duplicated or lost', async () => {
    const mock = await startMockDatabentoLive({
      apiKey: TEST_API_KEY,
      instruments: TEST_INSTRUMENTS,
      records: minuteBarRecords(BAR_COUNT),
    });
    cleanups.push(() => mock.close());

    // The reference: the same session, uninterrupted, in this process.
    const client = createDatabentoLive({
      apiKey: TEST_API_KEY,
      dataset: 'GLBX.MDP3',
      gateway: mock.gateway,
      env: {},
    });
    cleanups.push(() => client.close());
    client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: BigInt(TAPE_START_MS) * 1_000_000n });
    const clock = createTestClock(TAPE_START_MS);
    const reference = new PaperBroker({ instruments: ES_INSTRUMENTS, clockMs: clock.nowMs });
    await trade({
      strategy: new ParityStrategy(),
      history: new MockDataSource(),
      live: createLiveBarFeed({ client, schema: 'ohlcv-1m' }),
      broker: reference,
      clock,
      endMs: END_MS,
      assets: [ESH6],
      barWaitMs: Number.POSITIVE_INFINITY,
    });

    const folder = mkdtempSync(path.join(os.tmpdir(), 'lb-crash-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const stateFile = path.join(folder, 'paper.json');
    const env = { GATEWAY: mock.gateway, STATE_FILE: stateFile, END_MS: String(END_MS) };

    const first = await runChild(
      { ...env, START_MS: String(TAPE_START_MS), PAUSE_WITH_WORKING_ORDERS: '1' },
      /PAUSED (\d+)\n/,
    );
    const pausedAtMs = Number(first.match![1]);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    const atKill = readPaperBrokerState(stateFile)!;
    const killedBroker = new PaperBroker({ stateFile, instruments: ES_INSTRUMENTS });
    expect(killedBroker.getPositions().length).toBe(1);
    expect(killedBroker.getOpenOrders().length).toBeGreaterThan(0);

    const second = await runChild({ ...env, START_MS: String(pausedAtMs) }, /DONE\n/);
    await exited(second.child);
    expect(second.child.exitCode).toBe(0);
    const resumed = JSON.parse(second.output.match(/RESUMED (.*)\n/)![1]!);
    expect(resumed.positions).toEqual(JSON.parse(JSON.stringify(killedBroker.getPositions())));
    expect(resumed.openOrders.map((order: { id: string }) => order.id)).toEqual(
      killedBroker.getOpenOrders().map((order) => order.id),
    );

    const final = readPaperBrokerState(stateFile)!;
    // Fills before the kill are kept as they were; each order filled at most once; nothing missing.
    expect(final.fills.slice(0, atKill.fills.length)).toEqual(atKill.fills);
    expect(final.fills.length).toBeGreaterThan(atKill.fills.length);
    const filledIds = final.fills.map((fill) => fill.orderId);
    expect(new Set(filledIds).size).toBe(filledIds.length);
    const finalBroker = new PaperBroker({ stateFile, instruments: ES_INSTRUMENTS });
    expect(finalBroker.getTrades()).toEqual(reference.getTrades());
    expect(finalBroker.getCash()).toBe(reference.getCash());
    expect(finalBroker.getOpenOrders().map((order) => order.id)).toEqual(
      reference.getOpenOrders().map((order) => order.id),
    );
  }, 60_000);
});
