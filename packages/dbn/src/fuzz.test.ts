import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFuzzCase, loadFuzzFixtures } from './fuzz-cases.js';
import { checkFuzzCase, type FuzzOutcome } from './fuzz-check.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDirectory = [
  process.env.LB_DBN_FIXTURES,
  path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
  path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
].find((candidate) => candidate !== undefined && existsSync(candidate));

// The longer run (2,000 cases, each in a watched child process) is `pnpm --filter @lb/dbn fuzz`.
const SEED = 20261130;
const CASE_COUNT = 300;

describe('decoders on mutated fixtures (seeded fuzz)', () => {
  it(`should give only DbnDecodeError or consistent decodes for ${CASE_COUNT} mutated fixtures`, async (context) => {
    if (fixturesDirectory === undefined) return context.skip('DBN fixtures not found (set LB_DBN_FIXTURES)');
    const fixtures = loadFuzzFixtures(fixturesDirectory);
    const counts: Record<FuzzOutcome['kind'], number> = { decoded: 0, typed: 0, untyped: 0, wrong: 0 };
    const failures: string[] = [];
    for (let index = 0; index < CASE_COUNT; index++) {
      const fuzzCase = await createFuzzCase(fixtures, SEED, index);
      const outcome = await checkFuzzCase(fuzzCase);
      counts[outcome.kind]++;
      if (outcome.kind === 'untyped' || outcome.kind === 'wrong') {
        failures.push(
          `case ${index} (${fuzzCase.fixture} ${fuzzCase.mutations.join(' ')}): ${outcome.detail}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // Both outcomes occur, so the run exercised the decoders and the error paths.
    expect(counts.decoded).toBeGreaterThan(0);
    expect(counts.typed).toBeGreaterThan(0);
    expect(counts.decoded + counts.typed).toBe(CASE_COUNT);
  }, 60_000);
});
