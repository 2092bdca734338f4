import type { DataSourceV1 } from './data-source.js';

/** An environment variable a source reads, listed so tools can show what to set. */
export interface DataSourceEnvironmentVariable {
  /** Variable name, e.g. `DATABENTO_API_KEY`. */
  readonly name: string;
  /** What it sets, one line. */
  readonly description: string;
  /** True when the source cannot be created without it. */
  readonly required?: boolean;
  /** True for credentials: tools never print its value. */
  readonly secret?: boolean;
}

/** What a tool hands a descriptor's factory: the environment and the options the user gave it. */
export interface DataSourceFactoryOptions {
  /** The process environment (or a test's stand-in); sources read their variables from here, not `process.env`. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** A folder of data files, for sources that read files (`--data-dir`, `LB_DATA_DIR`). */
  readonly dataDirectory?: string;
}

/**
 * How a tool such as `lb` finds and creates a source without knowing it in advance: a source package
 * exports one as `dataSourceDescriptor` (from its main entry), and tools import installed packages named
 * `@lb/<source>`, `lb-source-*` or `@<scope>/lb-source-*` to read it.
 *
 * @example
 * ```ts
 * export const dataSourceDescriptor: DataSourceDescriptor = {
 *   specificationVersion: 'v1',
 *   name: 'csv-files',
 *   description: 'Bars from a folder of CSV files',
 *   environmentVariables: [{ name: 'LB_DATA_DIR', description: 'folder of CSV files', required: true }],
 *   createDataSource: ({ dataDirectory }) => createCsvFileSource({ dir: dataDirectory ?? '.' }),
 * };
 * ```
 */
export interface DataSourceDescriptor {
  /** The literal `'v1'`: the factory returns a `DataSourceV1`. */
  readonly specificationVersion: 'v1';
  /** What users type after `--data-source`: lower-case words joined by `-` (e.g. `dbn-files`). */
  readonly name: string;
  /** One line for listings such as `lb sources`. */
  readonly description: string;
  /** Variables the factory reads. */
  readonly environmentVariables: readonly DataSourceEnvironmentVariable[];
  /**
   * Creates the source. Throws a clear error (an `LbError`) when a required setting is missing; never
   * downloads anything.
   */
  createDataSource(options: DataSourceFactoryOptions): DataSourceV1 | Promise<DataSourceV1>;
}

const SOURCE_NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** True when `value` has the shape of a {@link DataSourceDescriptor} (checked at run time, across installs). */
export function isDataSourceDescriptor(value: unknown): value is DataSourceDescriptor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof DataSourceDescriptor, unknown>>;
  return (
    candidate.specificationVersion === 'v1' &&
    typeof candidate.name === 'string' &&
    SOURCE_NAME_PATTERN.test(candidate.name) &&
    typeof candidate.description === 'string' &&
    Array.isArray(candidate.environmentVariables) &&
    typeof candidate.createDataSource === 'function'
  );
}
