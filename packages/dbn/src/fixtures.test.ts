import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DbnJsonOptions, renderDbnJson } from './json-lines.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The fixtures live next to the repository (`<repo>/../shared`); a git worktree nested one level deeper
// (`<worktrees>/<branch>`) finds them one more level up. LB_DBN_FIXTURES overrides both.
const fixturesDirectory =
  [
    process.env.LB_DBN_FIXTURES,
    path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
    path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
  ].find((candidate) => candidate !== undefined && existsSync(candidate)) ??
  path.resolve(repositoryRoot, '../shared/fixtures/dbn');

const expectedVariants: ReadonlyArray<readonly [suffix: string, options: DbnJsonOptions]> = [
  ['.json', {}],
  ['.metadata.json', { metadata: true }],
  ['.upgraded.json', { upgrade: true }],
  ['.upgraded.metadata.json', { upgrade: true, metadata: true }],
];

async function renderToString(file: string, options: DbnJsonOptions): Promise<string> {
  let output = '';
  for await (const text of renderDbnJson(file, options)) output += text;
  return output;
}

const fixturesPresent = existsSync(fixturesDirectory);
if (!fixturesPresent) {
  console.warn(`DBN fixtures not found at ${fixturesDirectory}: skipping the fixture comparison tests.`);
}

// Legacy `.dbz` files (pre-DBN format) have no expected output and are not decoded.
const fixtureFiles = fixturesPresent
  ? readdirSync(fixturesDirectory)
      .filter((name) => /\.dbn(\.frag)?(\.zst)?$/.test(name))
      .sort()
  : [];

describe.skipIf(!fixturesPresent)('renderDbnJson against the databento/dbn fixtures', () => {
  it('should find every fixture with expected outputs', () => {
    expect(fixtureFiles.length).toBe(71);
    // A fixture whose expected file is missing would otherwise just produce fewer tests.
    const missing = fixtureFiles.flatMap((file) => {
      const needed = ['.json'];
      if (!file.includes('.frag')) needed.push('.metadata.json');
      // v1 and v2 inputs (and unversioned ones, which are v1 or v2) also have upgraded outputs.
      if (!/\.v3\./.test(file)) needed.push('.upgraded.json');
      return needed
        .filter((suffix) => !existsSync(path.join(fixturesDirectory, file + suffix)))
        .map((suffix) => file + suffix);
    });
    expect(missing).toEqual([]);
  });

  for (const file of fixtureFiles) {
    const fragment = file.includes('.frag');
    for (const [suffix, options] of expectedVariants) {
      const expectedPath = path.join(fixturesDirectory, file + suffix);
      if (!existsSync(expectedPath)) continue;
      it(`should print ${file}${suffix} byte for byte`, async () => {
        const output = await renderToString(path.join(fixturesDirectory, file), { ...options, fragment });
        expect(output).toBe(readFileSync(expectedPath, 'utf8'));
      });
    }
  }
});
