#!/usr/bin/env node
// Fails when the release plan that `changeset version` would apply takes a package to a major version no
// changeset asked for. Changesets bumps a package to major on its own in some cases (a peer dependency
// leaving the declared range, for one), and a 0.x package jumping to 1.0.0 by accident is a public
// promise nobody meant to make. Run: `node scripts/check-release-plan.mjs` (CI and `pnpm lint` do).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The majors of a `changeset status --output` plan that no changeset requested, as messages.
 * @param {{ changesets: { id: string, releases: { name: string, type: string }[] }[],
 *   releases: { name: string, type: string, oldVersion: string, newVersion: string }[] }} plan
 */
function findUnintendedMajors(plan) {
  const requestedMajors = new Set();
  for (const changeset of plan.changesets) {
    for (const release of changeset.releases) if (release.type === 'major') requestedMajors.add(release.name);
  }
  return plan.releases
    .filter((release) => release.type === 'major' && !requestedMajors.has(release.name))
    .map(
      (release) =>
        `${release.name} ${release.oldVersion} -> ${release.newVersion}: a major bump that no changeset asked for ` +
        '(usually a peer dependency range the new sibling version leaves; keep 0.x peers at "workspace:^0")',
    );
}

function computeReleasePlan() {
  const directory = mkdtempSync(join(tmpdir(), 'lb-release-plan-'));
  // changeset status resolves --output against the repository root, so the path must be absolute.
  const output = join(directory, 'release-plan.json');
  try {
    execFileSync('pnpm', ['exec', 'changeset', 'status', `--output=${output}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return JSON.parse(readFileSync(output, 'utf8'));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const plan = computeReleasePlan();
const problems = findUnintendedMajors(plan);
if (problems.length > 0) {
  console.error(`release plan: ${problems.length} unintended major release(s):`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
} else {
  const summary = plan.releases
    .filter((release) => release.type !== 'none')
    .map((release) => `${release.name}@${release.newVersion}`)
    .join(', ');
  console.log(`release plan: no unintended majors (${summary || 'nothing to release'})`);
}
