import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, isDataSourceDescriptor } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { dataSourceDescriptor } from './data-source-descriptor.js';
import { DbnFileSource } from './dbn-file-source.js';

const sampleDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../apps/examples/data',
);

describe('dataSourceDescriptor (dbn-files)', () => {
  it('should be a valid descriptor named dbn-files', () => {
    expect(isDataSourceDescriptor(dataSourceDescriptor)).toBe(true);
    expect(dataSourceDescriptor.name).toBe('dbn-files');
    expect(dataSourceDescriptor.environmentVariables.map((variable) => variable.name)).toEqual([
      'LB_DATA_DIR',
      'LB_DBN_FILES_DIR',
    ]);
  });

  it('should create a source over the given folder, else LB_DATA_DIR', async () => {
    const explicit = await dataSourceDescriptor.createDataSource({
      environment: {},
      dataDirectory: sampleDirectory,
    });
    expect(explicit).toBeInstanceOf(DbnFileSource);
    expect(explicit.capabilities.timestepUnits).toContain('minute');
    const fromEnvironment = await dataSourceDescriptor.createDataSource({
      environment: { LB_DATA_DIR: sampleDirectory },
    });
    expect(fromEnvironment.capabilities.timestepUnits).toEqual(explicit.capabilities.timestepUnits);
  });

  it('should say how to give a folder when there is none', () => {
    expect(() => dataSourceDescriptor.createDataSource({ environment: {} })).toThrow(InvalidArgumentError);
    expect(() => dataSourceDescriptor.createDataSource({ environment: {} })).toThrow(
      'The dbn-files source needs a data folder: pass --data-dir or set LB_DATA_DIR.',
    );
  });
});
