import { type DataSourceDescriptor, InvalidArgumentError } from '@lb/core';
import { createDbnFileSource } from './dbn-file-source.js';

/**
 * How `lb` (and any tool that discovers sources) creates this source: `--data-source dbn-files` with a
 * folder from `--data-dir`, `LB_DATA_DIR` or `LB_DBN_FILES_DIR`.
 */
export const dataSourceDescriptor: DataSourceDescriptor = {
  specificationVersion: 'v1',
  name: 'dbn-files',
  description: 'A folder of Databento DBN files (.dbn, .dbn.zst), offline, no API key',
  environmentVariables: [
    { name: 'LB_DATA_DIR', description: 'folder searched recursively for .dbn and .dbn.zst files' },
    { name: 'LB_DBN_FILES_DIR', description: 'same, read when LB_DATA_DIR is not set' },
  ],
  createDataSource({ environment, dataDirectory }) {
    const dir = dataDirectory ?? (environment.LB_DATA_DIR || environment.LB_DBN_FILES_DIR || undefined);
    if (dir === undefined) {
      throw new InvalidArgumentError(
        'The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.',
        { argument: 'dataDirectory' },
      );
    }
    return createDbnFileSource({ dir });
  },
};
