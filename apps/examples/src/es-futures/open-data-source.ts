import type { Asset, DataSourceV1, Timestep } from '@lb/core';
import { createDbnFileSource } from '@lb/dbn-files';
import { ExampleUsageError } from './example-usage-error.js';

/** The source the example reads, what to call it in the output, and Databento's estimate when it is paid. */
export interface OpenedDataSource {
  readonly source: DataSourceV1;
  /** First line of output and the tearsheet header. */
  readonly description: string;
  /** For the results' header: where the data came from. */
  readonly dataDescription: string;
  /** Databento only: prices the run's downloads (cached days are not downloaded) without downloading. */
  readonly estimateCost?: () => Promise<CostEstimate>;
}

/** A quote for a paid source's downloads. */
export interface CostEstimate {
  /** The most the run's downloads can cost, in USD. */
  readonly totalCostUsd: number;
  /**
   * Accepts the quote: the downloads reuse its prices instead of asking again, and a total above
   * `DATABENTO_MAX_COST_USD` throws `CostLimitExceededError` before anything is downloaded.
   */
  approve(): void;
}

/** What {@link openDataSource} needs. */
export interface OpenDataSourceOptions {
  readonly environment: NodeJS.ProcessEnv;
  /** Folder of the bundled DBN sample, used without Databento. */
  readonly sampleDirectory: string;
  readonly sampleDescription: string;
  /** Data the strategy reads over the run, priced before Databento downloads anything. */
  readonly requirement: { readonly asset: Asset; readonly timestep: Timestep | string };
  readonly start: Date | string;
  readonly end: Date | string;
}

// A user without a Databento account installs neither package: say which one to add instead of a stack trace.
async function importOptional<Module>(packageName: string, label: string): Promise<Module> {
  try {
    return (await import(packageName)) as Module;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(packageName)) {
      throw new ExampleUsageError(`${label} package not available: add ${packageName}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Databento (through the Feather cache) when `DATA_SOURCE=databento` or a `DATABENTO_API_KEY` is set,
 * else the bundled DBN sample: the same choice `lb backtest` makes, written with the public packages.
 */
export async function openDataSource(options: OpenDataSourceOptions): Promise<OpenedDataSource> {
  const { environment } = options;
  const choice = environment.DATA_SOURCE || (environment.DATABENTO_API_KEY ? 'databento' : 'dbn-files');
  if (choice === 'dbn-files') {
    return {
      source: createDbnFileSource({ dir: options.sampleDirectory }),
      description: `${options.sampleDescription} from ${options.sampleDirectory} (DBN file source, no API key needed)`,
      dataDescription: options.sampleDescription,
    };
  }
  if (choice !== 'databento') {
    throw new ExampleUsageError(`Unknown data source "${choice}": use DATA_SOURCE=databento or dbn-files.`);
  }
  const databento = await importOptional<typeof import('@lb/databento')>('@lb/databento', 'DataBento');
  const cache = await importOptional<typeof import('@lb/cache-feather')>(
    '@lb/cache-feather',
    'Feather cache',
  );
  const origin = databento.createDatabentoData({ env: { ...environment } });
  const cached = cache.withFeatherCache(origin, {});
  const { asset, timestep } = options.requirement;
  return {
    source: cached,
    description: `Databento historical API through the Feather cache at ${cached.cacheDir}`,
    dataDescription: 'Databento historical data (through the Feather cache)',
    estimateCost: async () => {
      const estimate = await origin.estimateBars(asset, timestep, options.start, options.end, {
        cache: cached,
      });
      return { totalCostUsd: estimate.totalCostUsd, approve: () => origin.approveEstimate(estimate) };
    },
  };
}
