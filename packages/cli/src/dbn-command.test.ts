import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliIo, runCli } from './program.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDirectory = [
  process.env.LB_DBN_FIXTURES,
  path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
  path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
].find((candidate) => candidate !== undefined && existsSync(candidate));

if (fixturesDirectory === undefined)
  console.warn('DBN fixtures not found: skipping the lb dbn decode tests.');

function capturedIo(): CliIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    out: () => stdout,
    err: () => stderr,
  };
}

describe.skipIf(fixturesDirectory === undefined)('lb dbn decode', () => {
  const fixture = (name: string) => path.join(fixturesDirectory!, name);

  it('should print JSON Lines identical to dbn --json', async () => {
    const io = capturedIo();
    const exitCode = await runCli(['dbn', 'decode', fixture('test_data.trades.v1.dbn.zst'), '--json'], io);
    expect(exitCode).toBe(0);
    expect(io.out()).toBe(readFileSync(fixture('test_data.trades.v1.dbn.zst.json'), 'utf8'));
  });

  it('should honour --upgrade --metadata', async () => {
    const io = capturedIo();
    const file = fixture('test_data.definition.v1.dbn.zst');
    expect(await runCli(['dbn', 'decode', file, '--json', '--upgrade', '--metadata'], io)).toBe(0);
    expect(io.out()).toBe(readFileSync(`${file}.upgraded.metadata.json`, 'utf8'));
  });

  it('should print a readable table without --json', async () => {
    const io = capturedIo();
    expect(await runCli(['dbn', 'decode', fixture('test_data.ohlcv-1m.dbn')], io)).toBe(0);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toBe(
      'DBN v2 GLBX.MDP3 ohlcv-1m symbols=ESH1 start=1609160400000000000 end=1609200000000000000',
    );
    expect(lines[1]).toMatch(
      /^ts_event\s+rtype\s+publisher_id\s+instrument_id\s+open\s+high\s+low\s+close\s+volume$/,
    );
    expect(lines[2]!.split(/\s+/)).toEqual([
      '1609160400000000000',
      '33',
      '1',
      '5482',
      '372025000000000',
      '372150000000000',
      '372025000000000',
      '372100000000000',
      '353',
    ]);
    expect(lines.at(-1)).toBe('2 records');
  });

  it('should exit 2 with a one-line reason for a missing file', async () => {
    const io = capturedIo();
    expect(await runCli(['dbn', 'decode', '/nonexistent/file.dbn', '--json'], io)).toBe(2);
    expect(io.err()).toBe('error: file /nonexistent/file.dbn does not exist; check the path\n');
  });

  it('should exit 2 for conflicting flags and unknown options', async () => {
    const io = capturedIo();
    const file = fixture('test_data.ohlcv-1m.dbn');
    expect(await runCli(['dbn', 'decode', file, '--metadata', '--fragment'], io)).toBe(2);
    expect(io.err()).toBe('error: --metadata and --fragment conflict: a fragment has no metadata\n');
    expect(await runCli(['dbn', 'decode', file, '--bogus'], capturedIo())).toBe(2);
  });

  it('should exit 1 with a decode error for a corrupt file', async () => {
    const io = capturedIo();
    expect(await runCli(['dbn', 'decode', fixture('test_data.mbo.dbz'), '--json'], io)).toBe(1);
    expect(io.err()).toMatch(/^error: Input is not DBN/);
  });
});
