import { isDataSourceDescriptor } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { dataSourceDescriptor } from './data-source-descriptor.js';
import { DatabentoDataSource } from './databento-data-source.js';

describe('dataSourceDescriptor (databento)', () => {
  it('should be a valid descriptor named databento with the key marked secret', () => {
    expect(isDataSourceDescriptor(dataSourceDescriptor)).toBe(true);
    expect(dataSourceDescriptor.name).toBe('databento');
    expect(dataSourceDescriptor.environmentVariables[0]).toEqual({
      name: 'DATABENTO_API_KEY',
      description: 'API key (db-...)',
      required: true,
      secret: true,
    });
  });

  it('should create a Databento source from the given environment without contacting Databento', async () => {
    const source = await dataSourceDescriptor.createDataSource({
      environment: { DATABENTO_API_KEY: 'db-descriptortest0000000000000000' },
    });
    expect(source).toBeInstanceOf(DatabentoDataSource);
    expect(source.sourceId).toBe('databento');
  });

  it('should accept process.env itself as the environment', async () => {
    const source = await dataSourceDescriptor.createDataSource({ environment: process.env });
    expect(source).toBeInstanceOf(DatabentoDataSource);
  });
});
