// Sweep throughput on the engine benchmark's W2 workload (350,000 one-minute bars, the 20/50 SMA rule with
// its two lengths swept: 32 parameter sets). Serial backtest() calls in this process are the baseline;
// then the local thread pool (2 threads) and BullMQ with 2 worker processes on a local redis-server.
// Run with `pnpm bench` (builds first); it imports the built package from dist.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MockDataSource } from '@lb/core/testing';
import { asset, BAR_COUNT, makeBars } from '../../backtest/bench/workload.mjs';
import {
  BullRunner,
  expandParameterGrid,
  formatSweepCsv,
  LocalPoolRunner,
  loadStrategyModule,
  runParameterSet,
  runSweep,
} from '../dist/index.js';

const fixtures = fileURLToPath(new URL('../src/__fixtures__/', import.meta.url));
const strategy = `${fixtures}sma-cross.mjs`;
const grid = { fast: [10, 15, 20, 25], slow: [40, 45, 50, 55, 60, 65, 70, 75] };
const sets = expandParameterGrid(grid);
const bars = makeBars();
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const instrument = { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' };
const createSource = () => new MockDataSource({ bars: [[asset, bars]], instruments: [[asset, instrument]] });

console.log(
  `@lb/sweep bench: ${sets.length} parameter sets x ${BAR_COUNT} one-minute bars (W2 rule), ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
);

// Serial baseline, after one unmeasured run for the JIT (the pool's threads get no such favour).
const module = await loadStrategyModule(strategy);
const serialSource = createSource();
const runSet = (index) =>
  runParameterSet({
    module,
    index,
    parameters: sets[index],
    startMs: start.getTime(),
    endMs: end.getTime(),
    dataSource: serialSource,
  });
await runSet(0);
let began = performance.now();
let cpuBefore = process.cpuUsage();
const cpuSeconds = (before) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};
const serial = [];
for (let index = 0; index < sets.length; index++) {
  const outcome = await runSet(index);
  serial.push({ index, parameters: sets[index], stats: outcome.stats, iterations: outcome.iterations });
}
const serialSeconds = (performance.now() - began) / 1000;
// CPU time too: on a shared machine wall time includes waiting for a core.
const serialCpuSeconds = cpuSeconds(cpuBefore);
const expectedCsv = formatSweepCsv(serial, Object.keys(grid));
console.log(
  `serial backtest() x ${sets.length}: ${serialSeconds.toFixed(2)} s (cpu ${serialCpuSeconds.toFixed(2)} s)`,
);

began = performance.now();
cpuBefore = process.cpuUsage();
const local = await runSweep({
  strategy,
  parameters: grid,
  start,
  end,
  dataSource: createSource(),
  runner: new LocalPoolRunner({ workers: 2 }),
});
const localSeconds = (performance.now() - began) / 1000;
// Process CPU time includes the pool's threads.
const localCpuSeconds = cpuSeconds(cpuBefore);
const localSame = formatSweepCsv(local.results, local.parameterNames) === expectedCsv;
console.log(
  `local pool, 2 threads: ${localSeconds.toFixed(2)} s (cpu ${localCpuSeconds.toFixed(2)} s), speedup ${(serialSeconds / localSeconds).toFixed(2)}x, same sweep.csv as serial: ${localSame}`,
);
// On a shared machine the wall-clock speedup depends on other load; the CPU figures give what two idle
// cores would do: serial CPU over the pool's CPU per thread (thread start, imports and JIT included).
console.log(
  `local pool CPU overhead ${(localCpuSeconds / serialCpuSeconds).toFixed(2)}x serial; speedup on 2 idle cores at most ${((2 * serialCpuSeconds) / localCpuSeconds).toFixed(2)}x`,
);

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('BullMQ: skipped (redis-server is not installed)');
} else {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise((resolve) =>
    redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept') && resolve()),
  );
  const redisUrl = `redis://127.0.0.1:${port}`;
  const workers = [0, 1].map(() =>
    spawn(process.execPath, [`${fixtures}worker-process.mjs`], {
      env: {
        ...process.env,
        SWEEP_TEST_REDIS_URL: redisUrl,
        SWEEP_TEST_STRATEGIES: fixtures,
        SWEEP_TEST_BARS: String(BAR_COUNT),
        SWEEP_TEST_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    workers.map(
      (child) =>
        new Promise((resolve) =>
          child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve()),
        ),
    ),
  );
  began = performance.now();
  const bull = await runSweep({
    strategy,
    parameters: grid,
    start,
    end,
    runner: new BullRunner({ redisUrl, pollIntervalMs: 50 }),
  });
  const bullSeconds = (performance.now() - began) / 1000;
  const bullSame = formatSweepCsv(bull.results, bull.parameterNames) === expectedCsv;
  console.log(
    `BullMQ, 2 worker processes: ${bullSeconds.toFixed(2)} s, speedup ${(serialSeconds / bullSeconds).toFixed(2)}x, same sweep.csv as serial: ${bullSame}`,
  );
  await Promise.all(
    workers.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await new Promise((resolve) => {
    redis.once('exit', resolve);
    redis.kill('SIGTERM');
  });
}
