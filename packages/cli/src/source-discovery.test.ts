import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoverSources,
  findInstalledSource,
  findSourcePackageNames,
  isSourcePackageName,
} from './source-discovery.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDirectory = path.resolve(here, '..');
const repositoryRoot = path.resolve(packageDirectory, '../..');
const bin = path.join(packageDirectory, 'dist/bin.js');
const sampleDirectory = path.join(repositoryRoot, 'apps/examples/data');

// A third-party source as a user would install it: its own package under node_modules, found by its
// `lb-source-*` name. It serves the example's DBN folder under another name, through @lb/dbn-files'
// descriptor (resolved from packages/cli, which the project folder sits in).
const thirdPartySource = `
import { dataSourceDescriptor as dbnFiles } from '@lb/dbn-files';
export const dataSourceDescriptor = {
  specificationVersion: 'v1',
  name: 'sample',
  description: 'Sample bars from a third-party package',
  environmentVariables: [{ name: 'SAMPLE_DIR', description: 'folder of DBN files', required: true }],
  async createDataSource({ environment }) {
    const inner = await dbnFiles.createDataSource({ environment, dataDirectory: environment.SAMPLE_DIR });
    return {
      specificationVersion: 'v1',
      sourceId: 'sample',
      capabilities: inner.capabilities,
      doFetchBars: (request, options) => inner.doFetchBars(request, options),
      doFetchInstrument: (request, options) => inner.doFetchInstrument(request, options),
    };
  },
};
`;

async function writePackage(directory: string, manifest: object, files: Record<string, string>) {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
    await writeFile(path.join(directory, name), text);
  }
}

interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `lb` in `cwd`, as a user in that project would. */
function runLb(
  cwd: string,
  argv: string[],
  environment: Record<string, string> = {},
): Promise<ProcessOutput> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment };
  for (const name of ['DATABENTO_API_KEY', 'DATA_SOURCE', 'LB_DATA_DIR']) {
    if (!(name in environment)) delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('source discovery', () => {
  let project: string;

  beforeAll(async () => {
    // Inside packages/cli so the fixture package resolves @lb/dbn-files like an installed package would.
    project = await mkdtemp(path.join(packageDirectory, '.tmp-source-project-'));
    await writePackage(
      project,
      {
        name: 'user-project',
        private: true,
        type: 'module',
        dependencies: { 'lb-source-sample': '1.0.0', '@acme/lb-source-broken': '1.0.0', 'left-pad': '1.3.0' },
      },
      {},
    );
    await writePackage(
      path.join(project, 'node_modules/lb-source-sample'),
      {
        name: 'lb-source-sample',
        type: 'module',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      },
      { 'dist/index.js': thirdPartySource },
    );
    await writePackage(
      path.join(project, 'node_modules/@acme/lb-source-broken'),
      { name: '@acme/lb-source-broken', type: 'module', main: 'index.js' },
      { 'index.js': 'export const somethingElse = 1;\n' },
    );
    await writePackage(path.join(project, 'node_modules/left-pad'), { name: 'left-pad' }, { 'index.js': '' });
  });

  afterAll(() => rm(project, { recursive: true, force: true }));

  it('should accept lb-source-* and @scope/lb-source-* names only', () => {
    expect(isSourcePackageName('lb-source-csv')).toBe(true);
    expect(isSourcePackageName('@acme/lb-source-csv')).toBe(true);
    expect(isSourcePackageName('@lb/databento')).toBe(false);
    expect(isSourcePackageName('lb-sources')).toBe(false);
    expect(isSourcePackageName('my-lb-source-csv')).toBe(false);
  });

  it('should find the source packages of the project and load their descriptors', async () => {
    expect(await findSourcePackageNames(project)).toEqual(['@acme/lb-source-broken', 'lb-source-sample']);
    const discovery = await discoverSources(project);
    expect(discovery.installed.map((source) => [source.descriptor.name, source.packageName])).toEqual([
      ['databento', '@lb/databento'],
      ['dbn-files', '@lb/dbn-files'],
      ['sample', 'lb-source-sample'],
    ]);
    expect(discovery.missing).toEqual([]);
    expect(discovery.problems).toEqual([
      '@acme/lb-source-broken: @acme/lb-source-broken is not a data source for lb: it must export dataSourceDescriptor (a DataSourceDescriptor from @lb/core)',
    ]);
    const sample = await findInstalledSource('sample', project);
    expect(sample.packageName).toBe('lb-source-sample');
  });

  it('should name the installed sources when asked for one that is not there', async () => {
    await expect(findInstalledSource('csv', project)).rejects.toThrow(
      `Unknown data source "csv": use one of databento, dbn-files, sample, or install the lb-source-* package that provides it (see 'lb sources')`,
    );
  });

  it('should list the installed sources with lb sources', async () => {
    const output = await runLb(project, ['sources']);
    expect(output.code, output.stderr).toBe(0);
    expect(output.stderr).toBe('');
    const lines = output.stdout.split('\n');
    expect(lines[0]).toBe(
      "databento (@lb/databento): Databento's historical API (paid: the cost is estimated before downloading)",
    );
    expect(lines[1]).toBe('  DATABENTO_API_KEY (required, secret): API key (db-...)');
    expect(output.stdout).toContain(
      'dbn-files (@lb/dbn-files): A folder of Databento DBN files (.dbn, .dbn.zst), offline, no API key\n',
    );
    expect(output.stdout).toContain(
      'sample (lb-source-sample): Sample bars from a third-party package\n  SAMPLE_DIR (required): folder of DBN files\n',
    );
    expect(output.stdout).toContain('warning: @acme/lb-source-broken: ');
  }, 60_000);

  it('should run lb backtest on a third-party source, with a strategy file from the project', async () => {
    const strategies = path.join(project, 'my-strategies');
    await mkdir(strategies, { recursive: true });
    await copyFile(path.join(here, '__fixtures__/buy-and-hold-mes.ts'), path.join(strategies, 'x.ts'));
    const output = await runLb(
      project,
      [
        'backtest',
        './my-strategies/x.ts',
        '--start',
        '2024-01-03T14:30:00Z',
        '--end',
        '2024-01-05T21:00:00Z',
        '--data-source',
        'sample',
        '--out',
        'results',
      ],
      { SAMPLE_DIR: sampleDirectory },
    );
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    expect(output.stdout.split('\n')[0]).toBe(
      'Data: Sample bars from a third-party package (lb-source-sample)',
    );
    expect(output.stdout).toMatch(/^Fills: +1$/m);
    const [runId] = await readdir(path.join(project, 'results'));
    const stats = JSON.parse(await readFile(path.join(project, 'results', runId!, 'stats.json'), 'utf8'));
    expect(stats.strategy).toBe('BuyAndHoldMes');
    expect(stats.dataDescription).toBe('Sample bars from a third-party package');
    expect(stats.metrics.fills).toBe(1);
  }, 60_000);

  it('should run a strategy file kept at the repository root (./my-strategies/x.ts)', async () => {
    const strategies = await mkdtemp(path.join(repositoryRoot, '.tmp-my-strategies-'));
    const out = path.join(strategies, 'results');
    try {
      await copyFile(path.join(here, '__fixtures__/buy-and-hold-mes.ts'), path.join(strategies, 'x.ts'));
      const output = await runLb(repositoryRoot, [
        'backtest',
        `./${path.basename(strategies)}/x.ts`,
        '--start',
        '2024-01-03T14:30:00Z',
        '--end',
        '2024-01-05T21:00:00Z',
        '--data-source',
        'dbn-files',
        '--data-dir',
        'apps/examples/data',
        '--out',
        out,
      ]);
      expect(output.stderr).toBe('');
      expect(output.code).toBe(0);
      expect(output.stdout).toMatch(/^Fills: +1$/m);
    } finally {
      await rm(strategies, { recursive: true, force: true });
    }
  }, 60_000);
});
