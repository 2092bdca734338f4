import { describe, expect, it } from 'vitest';
import {
  DataSourceApiError,
  DataSourceError,
  InvalidArgumentError,
  InvalidAssetError,
  InvalidSettingsError,
  InvalidTimestepError,
  LbError,
  MissingCredentialsError,
  UnsupportedFunctionalityError,
} from './errors.js';

describe('LbError', () => {
  it('should keep name, message and cause', () => {
    const cause = new Error('socket hang up');
    const error = new DataSourceError('Databento did not answer; retry later.', {
      sourceId: 'databento',
      isRetryable: true,
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DataSourceError');
    expect(error.message).toBe('Databento did not answer; retry later.');
    expect(error.cause).toBe(cause);
    expect(error.sourceId).toBe('databento');
    expect(error.isRetryable).toBe(true);
    expect(new LbError('plain')).not.toHaveProperty('cause');
  });

  it('should carry typed context fields', () => {
    const api = new DataSourceApiError('HTTP 429 from Databento', {
      sourceId: 'databento',
      url: 'https://hist.databento.com/v0/timeseries.get_range',
      statusCode: 429,
      apiMessage: 'rate limited',
      isRetryable: true,
    });
    expect([api.name, api.statusCode, api.url, api.apiMessage, api.isRetryable]).toEqual([
      'DataSourceApiError',
      429,
      'https://hist.databento.com/v0/timeseries.get_range',
      'rate limited',
      true,
    ]);
    expect(new DataSourceError('x', { sourceId: 's' }).isRetryable).toBe(false);
    expect(new InvalidAssetError('x', { input: { symbol: '' } }).input).toEqual({ symbol: '' });
    expect(new InvalidTimestepError('x', { input: '7y' }).input).toBe('7y');
    expect(new InvalidArgumentError('x', { argument: 'start' }).argument).toBe('start');
    expect(new UnsupportedFunctionalityError('x', { functionality: 'getChains' }).functionality).toBe(
      'getChains',
    );
    expect(
      new MissingCredentialsError('x', { environmentVariable: 'DATABENTO_API_KEY' }).environmentVariable,
    ).toBe('DATABENTO_API_KEY');
    expect(
      new InvalidSettingsError('x', { issues: [{ path: 'apiKey', message: 'required' }] }).issues,
    ).toEqual([{ path: 'apiKey', message: 'required' }]);
  });

  it('should recognise each class and its ancestors with isInstance, and nothing else', () => {
    const api = new DataSourceApiError('x', { sourceId: 's', url: 'u', isRetryable: false });
    expect(LbError.isInstance(api)).toBe(true);
    expect(DataSourceError.isInstance(api)).toBe(true);
    expect(DataSourceApiError.isInstance(api)).toBe(true);
    expect(DataSourceApiError.isInstance(new DataSourceError('x', { sourceId: 's' }))).toBe(false);
    expect(InvalidAssetError.isInstance(api)).toBe(false);
    expect(UnsupportedFunctionalityError.isInstance(new InvalidArgumentError('x', { argument: 'a' }))).toBe(
      false,
    );
    for (const value of [new Error('x'), null, undefined, 'LbError', { name: 'LbError' }]) {
      expect(LbError.isInstance(value)).toBe(false);
    }
  });

  it('should recognise errors from another copy of the package by their Symbol.for markers', () => {
    // A duplicate install defines its own classes, so instanceof fails; the global symbols still match.
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('lb.error')]: true,
      [Symbol.for('lb.error.DataSourceError')]: true,
    });
    expect(foreign instanceof LbError).toBe(false);
    expect(LbError.isInstance(foreign)).toBe(true);
    expect(DataSourceError.isInstance(foreign)).toBe(true);
    expect(DataSourceApiError.isInstance(foreign)).toBe(false);
  });
});
