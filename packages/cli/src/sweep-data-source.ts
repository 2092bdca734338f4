import type { DataSourceV1 } from '@lb/core';
import type { CliIo } from './cli-io.js';
import { loadCacheFeather, loadDatabento, loadDbnFiles } from './optional-package.js';
import { chooseDataSource, type DataSourceChoice } from './run-backtest-job.js';
import { findInstalledSource } from './source-discovery.js';
import { UsageError } from './usage-error.js';

/** Where `lb sweep` and `lb worker` read bars, as their options and environment choose it. */
export interface CliDataSource {
  readonly choice: DataSourceChoice;
  readonly source: DataSourceV1;
  /** For the cost estimate; only for Databento. */
  readonly client?: import('@lb/databento').DatabentoClient;
}

/**
 * Builds the data source the way `lb backtest` does (`--data-source`, `DATA_SOURCE`, else Databento when
 * `DATABENTO_API_KEY` is set, else DBN files; other names are installed `lb-source-*` packages):
 * Databento always goes through the Feather cache.
 */
export async function createCliDataSource(settings: {
  readonly dataSource: string | undefined;
  readonly dataDirectory: string | undefined;
  readonly io: CliIo;
}): Promise<CliDataSource> {
  const { dataSource, io } = settings;
  const choice = chooseDataSource(dataSource, process.env);
  if (choice === 'dbn-files') {
    if (settings.dataDirectory === undefined) {
      throw new UsageError('The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.');
    }
    const files = await loadDbnFiles();
    io.stdout(`Data: DBN files from ${settings.dataDirectory} (DBN file source, no API key needed)\n`);
    return { choice, source: files.createDbnFileSource({ dir: settings.dataDirectory }) };
  }
  if (choice !== 'databento') {
    // Any other source comes from an installed package's descriptor (an `lb-source-*` package).
    const installed = await findInstalledSource(choice);
    const source = await installed.descriptor.createDataSource({
      environment: process.env,
      ...(settings.dataDirectory === undefined ? {} : { dataDirectory: settings.dataDirectory }),
    });
    io.stdout(`Data: ${installed.descriptor.description} (${installed.packageName})\n`);
    return { choice, source };
  }
  const databento = await loadDatabento();
  const cache = await loadCacheFeather();
  const client = databento.createDatabento({});
  io.stdout(`Data: Databento historical API through the Feather cache at ${cache.resolveCacheDirectory()}\n`);
  return { choice, client, source: cache.withFeatherCache(databento.createDatabentoData({ client }), {}) };
}
