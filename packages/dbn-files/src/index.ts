export { dataSourceDescriptor } from './data-source-descriptor.js';
export { DbnFileError } from './dbn-file-error.js';
export {
  createDbnFileSource,
  DbnFileSource,
  type DbnFileSourceLogger,
  type DbnFileSourceSettings,
  dbnFiles,
} from './dbn-file-source.js';
export type { DbnFileEntry } from './file-index.js';
