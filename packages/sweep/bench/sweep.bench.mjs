// Sweep throughput on the engine benchmark's W2 workload (350,000 one-minute bars, the 20/50 SMA rule read
// through the async getHistoricalPrices accessor, with its two lengths swept: 32 parameter sets; fixture
// src/__fixtures__/sma-cross.mjs for every row, or sma-cross-sync.mjs with SWEEP_BENCH_ACCESSOR=sync). Serial backtest() calls in this process are the baseline;
// then the local thread pool (2 threads) and BullMQ with 2 worker processes on a local redis-server.
//
// Warm state is matched: the serial baseline runs after one unmeasured backtest (imports done, code
// optimised), and each runner is measured on a second sweep after an unmeasured first one, with its threads
// kept (LocalPoolRunner keepThreads; the BullMQ workers' shared sandbox pool). The first, cold sweep
// (thread start, imports, JIT warm-up) is printed too. Serial, pool and BullMQ then alternate for
// SWEEP_BENCH_ROUNDS rounds (default 3) so a burst of load elsewhere on the machine hits all three; the
// summary is the median of each. CPU seconds (this process, the worker processes and redis-server) say
// what two idle cores would give: 2 x serial wall time / runner CPU.
// Run with `pnpm bench` (builds first); it imports the built package from dist.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

const ROUNDS = Number(process.env.SWEEP_BENCH_ROUNDS ?? 3);
// SWEEP_BENCH_ACCESSOR=sync runs every row on sma-cross-sync.mjs (the synchronous getLoadedHistoricalPrices
// fast path) instead; the rows of one run always share one fixture.
const ACCESSOR = process.env.SWEEP_BENCH_ACCESSOR === 'sync' ? 'sync' : 'async';
const WORKERS = 2;
const fixtures = fileURLToPath(new URL('../src/__fixtures__/', import.meta.url));
const strategy = `${fixtures}${ACCESSOR === 'sync' ? 'sma-cross-sync.mjs' : 'sma-cross.mjs'}`;
const grid = { fast: [10, 15, 20, 25], slow: [40, 45, 50, 55, 60, 65, 70, 75] };
const sets = expandParameterGrid(grid);
const bars = makeBars();
const start = new Date(bars.timestampsMs[0]);
const end = new Date(bars.timestampsMs[BAR_COUNT - 1] + 60_000);
const instrument = { symbol: 'MESH4', multiplier: 5, tickSize: 0.25, currency: 'USD' };
const createSource = () => new MockDataSource({ bars: [[asset, bars]], instruments: [[asset, instrument]] });
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

console.log(
  `@lb/sweep bench: ${sets.length} parameter sets x ${BAR_COUNT} one-minute bars (W2 rule, ${ACCESSOR} accessor: ${strategy.slice(fixtures.length)}), ${availableParallelism()} cores, Node ${process.version}, load average ${load()}`,
);

// CPU seconds of other processes (worker processes, redis-server) from /proc; undefined elsewhere.
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;
function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
const ownCpuSeconds = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};
/** Wall and CPU seconds of `action`, CPU counted in this process and in `pids`. */
async function measure(action, pids = []) {
  const cpuOf = () =>
    [ownCpuSeconds(), ...pids.map(processCpuSeconds)].reduce((sum, value) => sum + (value ?? 0), 0);
  const cpuBefore = cpuOf();
  const began = performance.now();
  const value = await action();
  return { value, seconds: (performance.now() - began) / 1000, cpuSeconds: cpuOf() - cpuBefore };
}

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
const runSerial = async () => {
  const results = [];
  for (let index = 0; index < sets.length; index++) {
    const outcome = await runSet(index);
    results.push({ index, parameters: sets[index], stats: outcome.stats, iterations: outcome.iterations });
  }
  return results;
};
await runSet(0);
const expectedCsv = formatSweepCsv(await runSerial(), Object.keys(grid));

const sweepWith = (runner, dataSource) => async () => {
  const report = await runSweep({
    strategy,
    parameters: grid,
    start,
    end,
    ...(dataSource === undefined ? {} : { dataSource }),
    runner,
  });
  return formatSweepCsv(report.results, report.parameterNames) === expectedCsv;
};

const pool = new LocalPoolRunner({ workers: WORKERS, keepThreads: true });
const cold = await measure(sweepWith(pool, createSource()));
console.log(
  `local pool, ${WORKERS} threads, cold (first sweep: thread start, imports, JIT): ${cold.seconds.toFixed(2)} s (cpu ${cold.cpuSeconds.toFixed(2)} s), same sweep.csv as serial: ${cold.value}`,
);

let bull;
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
  const workers = Array.from({ length: WORKERS }, () =>
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
  const pids = [...workers.map((child) => child.pid), redis.pid];
  const runner = new BullRunner({ redisUrl });
  const bullCold = await measure(sweepWith(runner), pids);
  console.log(
    `BullMQ, ${WORKERS} worker processes, cold (first sweep: sandbox threads start): ${bullCold.seconds.toFixed(2)} s (cpu ${bullCold.cpuSeconds.toFixed(2)} s), same sweep.csv as serial: ${bullCold.value}`,
  );
  bull = {
    run: () => measure(sweepWith(runner), pids),
    async stop() {
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
    },
  };
}

const rows = { serial: [], pool: [], bull: [] };
for (let round = 1; round <= ROUNDS; round++) {
  const serial = await measure(runSerial);
  serial.value = formatSweepCsv(serial.value, Object.keys(grid)) === expectedCsv;
  rows.serial.push(serial);
  rows.pool.push(await measure(sweepWith(pool, createSource())));
  if (bull !== undefined) rows.bull.push(await bull.run());
  const serialRound = rows.serial[round - 1];
  const line = Object.entries(rows)
    .filter(([, list]) => list.length === round)
    .map(([name, list]) => {
      const row = list[round - 1];
      const ratio = name === 'serial' ? '' : ` ${(serialRound.seconds / row.seconds).toFixed(2)}x`;
      return `${name} ${row.seconds.toFixed(2)} s${ratio} (cpu ${row.cpuSeconds.toFixed(2)})`;
    })
    .join(', ');
  console.log(`round ${round}/${ROUNDS}: ${line}; load average ${load()}`);
}
await pool.close();
await bull?.stop();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const serialSeconds = median(rows.serial.map((row) => row.seconds));
const serialCpuSeconds = median(rows.serial.map((row) => row.cpuSeconds));
console.log(
  `serial backtest() x ${sets.length} (warm): ${serialSeconds.toFixed(2)} s (cpu ${serialCpuSeconds.toFixed(2)} s, ${(serialCpuSeconds / serialSeconds).toFixed(2)} cores busy), median of ${ROUNDS}`,
);
// Speedups are taken per round (serial and runners measured within seconds of each other, under the same
// outside load), then the median and the best round are shown.
for (const [name, label] of [
  ['pool', `local pool, ${WORKERS} threads (warm)`],
  ['bull', `BullMQ, ${WORKERS} worker processes (warm)`],
]) {
  const list = rows[name];
  if (list.length === 0) continue;
  const seconds = median(list.map((row) => row.seconds));
  const cpuSeconds = median(list.map((row) => row.cpuSeconds));
  const speedups = list.map((row, index) => rows.serial[index].seconds / row.seconds);
  const cpuRatio = median(list.map((row, index) => row.cpuSeconds / rows.serial[index].cpuSeconds));
  // The serial run already keeps more than one core busy (V8's garbage collector threads), so the most
  // two idle cores could give is their capacity over the runner's CPU, against the serial wall time.
  const ceiling = median(list.map((row, index) => (WORKERS * rows.serial[index].seconds) / row.cpuSeconds));
  console.log(
    `${label}: ${seconds.toFixed(2)} s (cpu ${cpuSeconds.toFixed(2)} s), speedup median ${median(speedups).toFixed(2)}x, best round ${Math.max(...speedups).toFixed(2)}x; CPU ${cpuRatio.toFixed(2)}x serial, so at most ${ceiling.toFixed(2)}x on ${WORKERS} idle cores; same sweep.csv as serial: ${list.every((row) => row.value)}`,
  );
}
console.log(`load average at the end ${load()}`);
