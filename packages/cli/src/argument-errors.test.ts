import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured as run } from './__fixtures__/run-captured.js';
import { describeFileSystemError } from './path-arguments.js';
import { reportError } from './program.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sampleDirectory = path.resolve(here, '../../../apps/examples/data');
const strategyModule = path.join(here, '__fixtures__/buy-and-hold-mes.ts');
const range = ['--start', '2024-01-03T14:30:00Z', '--end', '2024-01-04T21:00:00Z'];
const longName = 'a'.repeat(300);

// Several cases load a TypeScript strategy module through tsx, which is slow on a busy machine.
describe('bad paths and ranges on the command line', { timeout: 60_000 }, () => {
  let scratch: string;
  let aFile: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'lb-argument-errors-'));
    aFile = path.join(scratch, 'not-a-folder.txt');
    await writeFile(aFile, 'text');
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const backtest = (...extra: string[]) =>
    run('backtest', strategyModule, ...range, '--data-source', 'dbn-files', '--out', scratch, ...extra);

  it('should name a missing strategy module instead of the module loader message', async () => {
    const missing = path.join(scratch, 'nope.ts');
    expect(await run('backtest', missing, ...range, '--data-dir', sampleDirectory)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: strategy module ${missing} does not exist; check the path\n`,
    });
    expect(await run('backtest', scratch, ...range, '--data-dir', sampleDirectory)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: strategy module ${scratch} is a folder; pass a file\n`,
    });
  });

  it('should name a module that fails to load, in one line', async () => {
    const broken = path.join(scratch, 'broken.mjs');
    await writeFile(broken, "import './missing-helper.mjs';\nexport default class {}\n");
    const result = await run('backtest', broken, ...range, '--data-dir', sampleDirectory);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: strategy module ${broken.replaceAll('.', '\\.')} failed to load: Cannot find module '.*missing-helper\\.mjs'[^\\n]*\\n$`,
      ),
    );
  });

  it('should say what a wrong --data-dir lacks', async () => {
    const label = 'error: data folder (--data-dir, LB_DATA_DIR)';
    expect(await backtest('--data-dir', scratch)).toEqual({
      code: 2,
      stdout: '',
      stderr: `${label} ${scratch} holds no .dbn or .dbn.zst files; pass a folder of Databento OHLCV files\n`,
    });
    expect(await backtest('--data-dir', path.join(scratch, 'missing'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `${label} ${path.join(scratch, 'missing')} does not exist; check the path\n`,
    });
    expect(await backtest('--data-dir', aFile)).toEqual({
      code: 2,
      stdout: '',
      stderr: `${label} ${aFile} is a file; pass a folder\n`,
    });
  });

  it('should refuse an --out that is a file before running', async () => {
    const result = await run(
      'backtest',
      strategyModule,
      ...range,
      '--data-source',
      'dbn-files',
      '--data-dir',
      sampleDirectory,
      '--out',
      path.join(aFile, 'run'),
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: results folder (--out) ${path.join(aFile, 'run')} is not a folder (${aFile} is a file); pass a folder\n`,
    });
  });

  it('should turn EISDIR, ENOTDIR and ENAMETOOLONG into one line naming the path', async () => {
    expect(await run('dbn', 'decode', scratch)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: file ${scratch} is a folder; pass a file\n`,
    });
    expect(await run('dbn', 'decode', path.join(aFile, 'x.dbn'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: file ${path.join(aFile, 'x.dbn')} goes through a file as if it were a folder; check the path\n`,
    });
    expect(await run('dbn', 'decode', longName)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: file ${'a'.repeat(60)}…${'a'.repeat(40)} (300 characters) is too long for the file system; use a shorter path\n`,
    });
    expect(await run('cache', 'ls', '--cache-dir', aFile)).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --cache-dir ${aFile} is not a folder; pass a folder\n`,
    });
    expect((await run('usage', '--cache-dir', path.join(scratch, longName))).stderr).toMatch(
      /^error: --cache-dir .+ is too long for the file system; use a shorter path\n$/,
    );
  });

  it('should describe a file-system error that escapes the checks in one line', () => {
    const lines: string[] = [];
    const error = Object.assign(new Error("ENOTDIR: not a directory, mkdir '/x/file.txt/run'"), {
      code: 'ENOTDIR',
      syscall: 'mkdir',
      path: '/x/file.txt/run',
    });
    expect(reportError(error, { stdout: () => {}, stderr: (text) => lines.push(text) })).toBe(1);
    expect(lines).toEqual([
      'error: /x/file.txt/run goes through a file as if it were a folder; check the path\n',
    ]);
    expect(describeFileSystemError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }))).toBe(
      'a path is a folder where a file is expected; pass a file',
    );
    expect(describeFileSystemError(new Error('plain'))).toBeUndefined();
  });

  it.each([
    ['backtest', strategyModule, '--data-dir', sampleDirectory],
    ['bars', 'ES', '--continuous'],
    ['cost', '--dataset', 'GLBX.MDP3', '--schema', 'ohlcv-1m', '--symbols', 'ESH5'],
  ])('should exit 2 when --end is before --start: lb %s', async (...command) => {
    expect(await run(...command, '--start', '2025-02-01', '--end', '2025-01-01')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --end 2025-01-01T00:00:00.000Z must be after --start 2025-02-01T00:00:00.000Z; swap them or widen the range.\n',
    });
  });
});
