/**
 * Long fuzz run of the DBN decoders: mutated fixtures (bit flips, truncation, length fields, junk, huge
 * declared lengths; plain and zstd) through every decode entry point, each case under a watchdog in a
 * child process. Passes when there are 0 untyped exceptions, 0 inconsistent decodes, 0 hangs and peak RSS
 * stays under the limit. Run: `pnpm --filter @lb/dbn fuzz [--cases 2000] [--seed 1] [--timeout-ms 4000]`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FuzzReply } from './fuzz-decoders-child.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    'timeout-ms': { type: 'string', default: '4000' },
    'max-rss-mb': { type: 'string', default: '512' },
  },
});
const caseCount = Number(values.cases);
const seed = Number(values.seed);
const timeoutMs = Number(values['timeout-ms']);
const maxRssBytes = Number(values['max-rss-mb']) * 1024 * 1024;

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(benchDirectory, '../../..');
const fixturesDirectory = [
  process.env.LB_DBN_FIXTURES,
  path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
  path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
].find((candidate) => candidate !== undefined && existsSync(candidate));
if (fixturesDirectory === undefined) {
  console.error('DBN fixtures not found: set LB_DBN_FIXTURES to the folder of test_data.*.dbn files.');
  process.exit(2);
}

/** Peak RSS of a live process from /proc (Linux), for children killed before they could report it. */
function peakRssOf(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function startChild(): Promise<ChildProcess> {
  const child = fork(path.join(benchDirectory, 'fuzz-decoders-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LB_DBN_FIXTURES: fixturesDirectory },
    serialization: 'advanced',
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`fuzz child exited with ${code} before starting`)));
  });
}

type Result = FuzzReply | { index: number; kind: 'hang' | 'crash'; detail: string; maxRssBytes: number };

function runCase(child: ChildProcess, index: number): Promise<Result> {
  return new Promise((resolve) => {
    const finish = (result: Result) => {
      clearTimeout(watchdog);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (reply: FuzzReply) => finish(reply);
    const onExit = (code: number | null, signal: string | null) =>
      finish({ index, kind: 'crash', detail: `child exited (${code ?? signal})`, maxRssBytes: 0 });
    const watchdog = setTimeout(() => {
      const peak = peakRssOf(child.pid);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      finish({ index, kind: 'hang', detail: `no answer within ${timeoutMs} ms`, maxRssBytes: peak });
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ seed, index });
  });
}

const counts = { decoded: 0, typed: 0, untyped: 0, wrong: 0, hang: 0, crash: 0 };
const failures: string[] = [];
let peakRssBytes = 0;
const started = process.hrtime.bigint();
let child = await startChild();
for (let index = 0; index < caseCount; index++) {
  const result = await runCase(child, index);
  counts[result.kind]++;
  peakRssBytes = Math.max(peakRssBytes, result.maxRssBytes);
  if (result.kind !== 'decoded' && result.kind !== 'typed') {
    const description = 'description' in result ? ` ${result.description}` : '';
    failures.push(`case ${index}${description}: ${result.kind}: ${result.detail}`);
  }
  if (result.kind === 'hang' || result.kind === 'crash') child = await startChild();
}
child.kill();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

console.log(
  `DBN decoder fuzz: seed ${seed}, ${caseCount} mutated fixtures, watchdog ${timeoutMs} ms per case`,
);
console.log(`typed errors (DbnDecodeError): ${counts.typed}`);
console.log(`decoded (all entry points consistent): ${counts.decoded}`);
console.log(`untyped exceptions: ${counts.untyped}`);
console.log(`inconsistent decodes: ${counts.wrong}`);
console.log(`hangs over ${timeoutMs} ms: ${counts.hang}`);
console.log(`child crashes: ${counts.crash}`);
console.log(`peak RSS of a checking process: ${(peakRssBytes / 1024 / 1024).toFixed(1)} MB`);
console.log(`time: ${seconds.toFixed(1)} s`);
for (const failure of failures.slice(0, 30)) console.log(`  ${failure}`);
const passed = failures.length === 0 && peakRssBytes < maxRssBytes;
console.log(passed ? 'PASS' : 'FAIL');
process.exitCode = passed ? 0 : 1;
