// `pnpm bench:lumibot`: Lumibot's documented Databento profile on the bundled sample. A cold run (empty
// cache, bars downloaded from the mock Databento server) and a warm run (a new process reading the cache),
// each timed as wall time of the whole process and of the backtest inside it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startMockDatabento } from '@lb/databento/testing';
import { loadSampleAsMockData } from '../mock/sample-as-mock-data.js';

const REFERENCE = { coldSeconds: 19.85, warmSeconds: 3.82 };
const WARM_TARGET_SECONDS = 0.1;

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDirectory = path.resolve(here, '../..');

interface ProfileRun {
  processSeconds: number;
  backtestSeconds: number;
  iterations: number;
  trades: number;
  endingValue: number;
}

function runProfile(environment: NodeJS.ProcessEnv): Promise<ProfileRun> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'run-profile.ts')], {
      cwd: exampleDirectory,
      env: environment,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`profile run exited with ${code}`));
      const processSeconds = (performance.now() - startedMs) / 1000;
      resolve({ processSeconds, ...JSON.parse(stdout.trim().split('\n').at(-1)!) });
    });
  });
}

const cacheDirectory = await mkdtemp(path.join(os.tmpdir(), 'lb-bench-lumibot-'));
const server = await startMockDatabento({
  data: await loadSampleAsMockData(path.join(exampleDirectory, 'data')),
});
try {
  const environment = {
    ...process.env,
    DATABENTO_API_KEY: 'db-benchmarkkey00000000000000000',
    DATABENTO_BASE_URL: server.baseURL,
    LB_CACHE_DIR: cacheDirectory,
    LB_LOG_LEVEL: 'error',
  };
  const cold = await runProfile(environment);
  const downloads = server.requestCount('timeseries.get_range');
  server.resetRequests();
  const warm = await runProfile(environment);
  const warmDownloads = server.requestCount('timeseries.get_range');

  const seconds = (value: number) => `${value.toFixed(3)} s`;
  console.log('Lumibot Databento profile: MES, ES, MNQ continuous futures, sleeptime 15M, us_futures,');
  console.log('2024-01-03 09:30 to 2024-01-04 16:00 New York, 0.50 per order, bundled SYNTHETIC sample data');
  console.log(
    `iterations ${warm.iterations}, trades ${warm.trades}, ending value ${warm.endingValue.toFixed(2)}`,
  );
  console.log('');
  console.log('run   | backtest  | process   | timeseries downloads | Lumibot (polars) | ratio (backtest)');
  console.log(
    `cold  | ${seconds(cold.backtestSeconds)} | ${seconds(cold.processSeconds)} | ${String(downloads).padEnd(20)} | ${seconds(REFERENCE.coldSeconds).padEnd(16)} | ${(REFERENCE.coldSeconds / cold.backtestSeconds).toFixed(0)}x faster`,
  );
  console.log(
    `warm  | ${seconds(warm.backtestSeconds)} | ${seconds(warm.processSeconds)} | ${String(warmDownloads).padEnd(20)} | ${seconds(REFERENCE.warmSeconds).padEnd(16)} | ${(REFERENCE.warmSeconds / warm.backtestSeconds).toFixed(0)}x faster`,
  );
  console.log('');
  console.log(
    `warm target < ${WARM_TARGET_SECONDS} s (backtest): ${warm.backtestSeconds < WARM_TARGET_SECONDS ? 'met' : 'NOT met'}`,
  );
  console.log(
    'The cold run downloads from a local mock server, so it measures our work, not Databento latency.',
  );
} finally {
  await server.close();
  await rm(cacheDirectory, { recursive: true, force: true });
}
