import { describe, expect, it } from 'vitest';
import { isDataSourceDescriptor } from './data-source-descriptor.js';
import { MockDataSource } from './testing/mock-data-source.js';

const valid = {
  specificationVersion: 'v1',
  name: 'csv-files',
  description: 'Bars from CSV files',
  environmentVariables: [],
  createDataSource: () => new MockDataSource(),
};

describe('isDataSourceDescriptor', () => {
  it('should accept a complete v1 descriptor', () => {
    expect(isDataSourceDescriptor(valid)).toBe(true);
  });

  it('should reject other versions, names users cannot type, and missing members', () => {
    expect(isDataSourceDescriptor({ ...valid, specificationVersion: 'v2' })).toBe(false);
    expect(isDataSourceDescriptor({ ...valid, name: 'CSV files' })).toBe(false);
    expect(isDataSourceDescriptor({ ...valid, name: 'csv-' })).toBe(false);
    expect(isDataSourceDescriptor({ ...valid, createDataSource: undefined })).toBe(false);
    expect(isDataSourceDescriptor({ ...valid, environmentVariables: 'LB_DATA_DIR' })).toBe(false);
    expect(isDataSourceDescriptor(null)).toBe(false);
    expect(isDataSourceDescriptor('databento')).toBe(false);
  });
});
