import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { loadSweep } from './sweep-command.js';
import { createCliDataSource } from './sweep-data-source.js';
import { UsageError } from './usage-error.js';

/**
 * Registers `lb worker --redis URL --strategies DIR [--concurrency N] [--data-source] [--data-dir]`: runs
 * `lb sweep --redis` parameter sets on this machine until SIGTERM or SIGINT, which let active jobs finish.
 */
export function registerWorkerCommand(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description('Run parameter sets of lb sweep --redis sweeps on this machine (BullMQ worker)')
    .requiredOption('--redis <url>', 'redis://[:password@]host[:port][/db] or rediss:// for TLS')
    .requiredOption('--strategies <dir>', 'folder of the only strategy modules this worker may run')
    .option('--concurrency <n>', 'parameter sets at once (default: one per core)')
    .option(
      '--data-source <name>',
      "databento, dbn-files or an installed lb-source-* package's source (as for lb backtest)",
    )
    .option(
      '--data-dir <dir>',
      'folder of .dbn/.dbn.zst files for the dbn-files source (default: LB_DATA_DIR)',
    )
    .action(async (options: Record<string, string | undefined>) => {
      const concurrencyText = options.concurrency;
      if (concurrencyText !== undefined && !/^[1-9]\d*$/.test(concurrencyText)) {
        throw new UsageError(`--concurrency must be a whole number >= 1, got "${concurrencyText}"`);
      }
      const sweep = await loadSweep();
      const { source } = await createCliDataSource({
        dataSource: options.dataSource,
        dataDirectory: options.dataDir ?? (process.env.LB_DATA_DIR || undefined),
        io,
      });
      let worker: import('@lb/sweep').SweepWorkerHandle;
      try {
        worker = await sweep.startSweepWorker({
          redisUrl: options.redis!,
          strategies: options.strategies!,
          dataSource: source,
          ...(concurrencyText === undefined ? {} : { concurrency: Number(concurrencyText) }),
          log: (line) => io.stderr(`${line}\n`),
        });
      } catch (error) {
        if (sweep.InvalidSweepError.isInstance(error)) throw new UsageError(error.message);
        throw error;
      }
      io.stdout(
        `Worker ready: strategies ${worker.strategies.join(', ')}; SIGTERM finishes active jobs and exits\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          io.stdout('Stopping: finishing active jobs\n');
          worker.close().then(resolve, resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
