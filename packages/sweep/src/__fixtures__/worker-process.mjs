// A sweep worker process for the tests and the benchmark: `node worker-process.mjs` with its settings in
// the environment. Prints "ready" once it watches Redis; SIGTERM lets active jobs finish, then exits.
import { startSweepWorker } from '../../dist/index.js';
import { createSyntheticSource } from './synthetic-bars.mjs';

const environment = process.env;
let dataSource;
if (environment.SWEEP_TEST_SOURCE === 'databento') {
  const { createDatabentoData } = await import('@lb/databento');
  const { withFeatherCache } = await import('@lb/cache-feather');
  dataSource = withFeatherCache(createDatabentoData({ datasetRangeTtlMs: 0 }), {});
} else {
  dataSource = createSyntheticSource(Number(environment.SWEEP_TEST_BARS));
}
const worker = await startSweepWorker({
  redisUrl: environment.SWEEP_TEST_REDIS_URL,
  strategies: environment.SWEEP_TEST_STRATEGIES,
  dataSource,
  concurrency: Number(environment.SWEEP_TEST_CONCURRENCY ?? 1),
  lockDurationMs: Number(environment.SWEEP_TEST_LOCK_MS ?? 30_000),
  stalledIntervalMs: Number(environment.SWEEP_TEST_STALLED_MS ?? 30_000),
  pollIntervalMs: 100,
  log: (line) => {
    if (environment.SWEEP_TEST_VERBOSE) process.stderr.write(`[worker ${process.pid}] ${line}\n`);
  },
});
process.once('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
process.stdout.write('ready\n');
