// A third-party data source as its author would publish it (`lb-source-sample`): a package that exports a
// `dataSourceDescriptor` and is found by `lb` through its name alone. It serves a DBN folder under its own
// source id, built on @lb/dbn-files' descriptor.
import { dataSourceDescriptor as dbnFiles } from '@lb/dbn-files';

/** @type {import('@lb/core').DataSourceDescriptor} */
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
