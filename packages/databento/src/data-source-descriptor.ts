import type { DataSourceDescriptor } from '@lb/core';
import { createDatabentoData } from './databento-data-source.js';

/**
 * How `lb` (and any tool that discovers sources) creates this source: `--data-source databento`, settings
 * from the given environment (the key is read at request time, never printed).
 */
export const dataSourceDescriptor: DataSourceDescriptor = {
  specificationVersion: 'v1',
  name: 'databento',
  description: "Databento's historical API (paid: the cost is estimated before downloading)",
  environmentVariables: [
    { name: 'DATABENTO_API_KEY', description: 'API key (db-...)', required: true, secret: true },
    { name: 'DATABENTO_BASE_URL', description: 'gateway URL (default https://hist.databento.com)' },
    { name: 'DATABENTO_MAX_COST_USD', description: 'refuse any download estimated above this' },
    { name: 'DATABENTO_TIMEOUT', description: 'request timeout in seconds (default 100)' },
    { name: 'DATABENTO_MAX_RETRIES', description: 'retries after the first attempt (default 5)' },
  ],
  // A copy: the settings schema takes a plain record, which `process.env` is not.
  createDataSource: ({ environment }) => createDatabentoData({ env: { ...environment } }),
};
