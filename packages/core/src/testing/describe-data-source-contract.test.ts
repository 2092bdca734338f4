import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixturesDirectory = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

/** Runs the contract suite of `contract-skips.fixture.ts` in a child vitest and returns each case's status. */
async function runContractFixture(): Promise<Record<string, string>> {
  const outputDirectory = mkdtempSync(join(tmpdir(), 'lb-contract-skips-'));
  const outputFile = join(outputDirectory, 'report.json');
  try {
    await promisify(execFile)(
      process.execPath,
      [
        vitestBin,
        'run',
        '--root',
        fixturesDirectory,
        '--config',
        join(fixturesDirectory, 'vitest.contract-skips.config.ts'),
        '--reporter=json',
        `--outputFile=${outputFile}`,
      ],
      { env: { ...process.env, CI: 'true' } },
    );
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
    return Object.fromEntries(
      report.testResults.flatMap((file) =>
        file.assertionResults.map((result) => [result.title, result.status]),
      ),
    );
  } finally {
    rmSync(outputDirectory, { recursive: true, force: true });
  }
}

describe('describeDataSourceContract', () => {
  it('should report the cases a source cannot run as skipped, not passed', { timeout: 60_000 }, async () => {
    expect(await runContractFixture()).toEqual({
      'should declare specification v1, a sourceId and its capabilities': 'passed',
      'should return sorted bars of the requested timestep inside [start, end)': 'passed',
      'should return the same rows for two halves as for the whole window': 'passed',
      'should return empty bars, not an error, for a window without data': 'skipped',
      'should return empty bars for an empty range (start equal to end)': 'passed',
      'should reject when the signal is already aborted': 'passed',
      'should throw UnsupportedFunctionalityError for an asset type it does not serve': 'skipped',
      'should give positive multiplier and tick size for a known instrument': 'skipped',
      'should list the fixture asset first when asked near its symbol, without downloading': 'skipped',
      'should bound an asset listing by its limit and name each symbol once': 'skipped',
      'should reject an asset listing when the signal is already aborted': 'skipped',
    });
  });
});
