import { DataSourceApiError, InvalidSettingsError, MissingCredentialsError } from '@lb/core';
import type { DatabentoOhlcvRecord } from '@lb/dbn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockData } from './__fixtures__/mock-data.js';
import { createDatabento, type DatabentoRangeParams } from './historical-client.js';
import { DATABENTO_USER_AGENT } from './http-client.js';
import type { Logger } from './logger.js';
import { type MockDatabentoServer, startMockDatabento } from './testing/index.js';

const API_KEY = 'db-TESTKEY0123456789abcdefghijklm';
const ESH5_RANGE: DatabentoRangeParams = {
  dataset: 'GLBX.MDP3',
  schema: 'ohlcv-1m',
  symbols: 'ESH5',
  start: '2025-03-03T14:30:00Z',
  end: '2025-03-03T15:00:00Z',
};

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(
      `${level} ${message} ${JSON.stringify(fields ?? {}, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

describe('createDatabento', () => {
  let server: MockDatabentoServer;
  beforeAll(async () => {
    server = await startMockDatabento({ data: mockData, apiKey: API_KEY });
  });
  afterAll(() => server.close());
  afterEach(() => server.resetRequests());

  const client = (extra: Parameters<typeof createDatabento>[0] = {}) =>
    createDatabento({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      retryMinTimeoutMs: 5,
      retryMaxTimeoutMs: 20,
      logger: captureLogger(),
      env: {},
      ...extra,
    });

  it('should stream and decode timeseries.get_range (DBN+zstd) with the version user agent', async () => {
    const result = await client().timeseries.getRange(ESH5_RANGE);
    expect(result.records).toHaveLength(30);
    const first = result.records[0] as DatabentoOhlcvRecord;
    expect(first.instrumentId).toBe(101);
    expect(first.open).toBe(6000_000_000_000n);
    expect(first.tsEvent).toBe(BigInt(Date.parse('2025-03-03T14:30:00Z')) * 1_000_000n);
    expect(result.metadata?.dataset).toBe('GLBX.MDP3');
    expect(result.bytes).toBeGreaterThan(0);
    const request = server.requests[0]!;
    expect(request.params).toMatchObject({ encoding: 'dbn', compression: 'zstd', stype_in: 'raw_symbol' });
    expect(request.userAgent).toBe(DATABENTO_USER_AGENT);
    expect(DATABENTO_USER_AGENT).toMatch(/^lb-databento-typescript\/\d+\.\d+\.\d+/);
  });

  it('should decode OHLCV columns with timeseries.getRangeColumns', async () => {
    const result = await client().timeseries.getRangeColumns(ESH5_RANGE);
    expect(result.columns.length).toBe(30);
    expect(result.columns.close[29]).toBe(6000 + 29 * 0.25 + 0.25);
  });

  it('should answer the metadata and symbology endpoints', async () => {
    const databento = client();
    expect(await databento.metadata.getBillableSize(ESH5_RANGE)).toBe(30 * 56);
    expect(await databento.metadata.getRecordCount(ESH5_RANGE)).toBe(30);
    expect(await databento.metadata.getCost(ESH5_RANGE)).toBeCloseTo((30 * 56 * 1_000_000) / 1e9, 10);
    const range = await databento.metadata.getDatasetRange('GLBX.MDP3');
    expect(range.end.toISOString()).toBe('2025-03-20T00:00:00.000Z');
    expect(range.schemas['ohlcv-1m']?.start.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(await databento.metadata.listDatasets()).toEqual(['GLBX.MDP3', 'XNAS.ITCH']);
    expect(await databento.metadata.listSchemas('GLBX.MDP3')).toEqual(['definition', 'ohlcv-1m']);
    const resolved = await databento.symbology.resolve({
      dataset: 'GLBX.MDP3',
      symbols: ['ES.v.0'],
      stypeIn: 'continuous',
      stypeOut: 'raw_symbol',
      startDate: '2025-03-10',
      endDate: '2025-03-17',
    });
    expect(resolved.result['ES.v.0']).toEqual([
      { d0: '2025-03-10', d1: '2025-03-14', s: 'ESH5' },
      { d0: '2025-03-14', d1: '2025-03-17', s: 'ESM5' },
    ]);
    expect(server.requests.find((item) => item.endpoint === 'metadata.get_dataset_range')?.method).toBe(
      'GET',
    );
  });

  it('should wait at least Retry-After on 429, then succeed', async () => {
    server.addFaults('metadata.get_record_count', { kind: 'status', status: 429, retryAfterSeconds: 0.3 });
    const started = performance.now();
    expect(await client().metadata.getRecordCount(ESH5_RANGE)).toBe(30);
    const [first, second] = server.requests;
    expect(second!.receivedAtMs - first!.receivedAtMs).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.requestCount('metadata.get_record_count')).toBe(2);
  });

  it('should honour a Retry-After given as an HTTP date', async () => {
    // HTTP dates have whole seconds: ask for the second after next, at least one second away.
    const retryAtMs = (Math.floor(Date.now() / 1000) + 2) * 1000;
    server.addFaults('metadata.get_record_count', {
      kind: 'status',
      status: 429,
      retryAfter: new Date(retryAtMs).toUTCString(),
    });
    expect(await client().metadata.getRecordCount(ESH5_RANGE)).toBe(30);
    // The mock stamps requests with performance.now(); the date is wall-clock time.
    expect(Date.now()).toBeGreaterThanOrEqual(retryAtMs - 20);
    expect(server.requestCount('metadata.get_record_count')).toBe(2);
  });

  it('should wait the default second when Retry-After is empty', async () => {
    server.addFaults('metadata.get_record_count', { kind: 'status', status: 429, retryAfter: '' });
    expect(await client().metadata.getRecordCount(ESH5_RANGE)).toBe(30);
    const [first, second] = server.requests;
    expect(second!.receivedAtMs - first!.receivedAtMs).toBeGreaterThanOrEqual(990);
  });

  it('should not retry at all with maxRetries 0', async () => {
    server.addFaults('metadata.get_cost', { kind: 'status', status: 500 });
    const error = await client({ maxRetries: 0 })
      .metadata.getCost(ESH5_RANGE)
      .catch((caught: unknown) => caught);
    expect(DataSourceApiError.isInstance(error)).toBe(true);
    expect((error as DataSourceApiError).statusCode).toBe(500);
    expect(server.requestCount('metadata.get_cost')).toBe(1);
  });

  it('should reject with the abort reason during a Retry-After wait, without another attempt', async () => {
    server.addFaults('metadata.get_cost', { kind: 'status', status: 429, retryAfterSeconds: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled while waiting')), 100);
    const started = performance.now();
    await expect(client().metadata.getCost(ESH5_RANGE, { signal: controller.signal })).rejects.toThrow(
      'cancelled while waiting',
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.requestCount('metadata.get_cost')).toBe(1);
  });

  it('should reject with the abort reason during the exponential backoff, without another attempt', async () => {
    server.addFaults('metadata.get_cost', { kind: 'status', status: 503 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled in backoff')), 100);
    const started = performance.now();
    await expect(
      client({ retryMinTimeoutMs: 30_000, retryMaxTimeoutMs: 30_000 }).metadata.getCost(ESH5_RANGE, {
        signal: controller.signal,
      }),
    ).rejects.toThrow('cancelled in backoff');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.requestCount('metadata.get_cost')).toBe(1);
  });

  it('should retry 500 twice, then succeed', async () => {
    server.addFaults('metadata.get_cost', { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    expect(await client().metadata.getCost(ESH5_RANGE)).toBeGreaterThan(0);
    expect(server.requestCount('metadata.get_cost')).toBe(3);
  });

  it('should retry connection resets', async () => {
    server.addFaults('metadata.list_datasets', { kind: 'reset' });
    expect(await client().metadata.listDatasets()).toHaveLength(2);
    expect(server.requestCount('metadata.list_datasets')).toBe(2);
  });

  it('should throw DataSourceApiError once maxRetries is exhausted', async () => {
    server.addFaults(
      'metadata.get_cost',
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })),
    );
    const error = await client({ maxRetries: 2 })
      .metadata.getCost(ESH5_RANGE)
      .catch((caught: unknown) => caught);
    expect(DataSourceApiError.isInstance(error)).toBe(true);
    expect((error as DataSourceApiError).statusCode).toBe(503);
    expect((error as DataSourceApiError).isRetryable).toBe(true);
    expect(server.requestCount('metadata.get_cost')).toBe(3);
  });

  it('should fail at once on 401 with a clear message', async () => {
    const error = await client({ apiKey: 'db-WRONGKEY000000000000000000000' })
      .metadata.listDatasets()
      .catch((caught: unknown) => caught);
    expect(DataSourceApiError.isInstance(error)).toBe(true);
    const apiError = error as DataSourceApiError;
    expect(apiError.statusCode).toBe(401);
    expect(apiError.isRetryable).toBe(false);
    expect(apiError.apiMessage).toBe('Authentication failed: the API key is invalid or missing.');
    expect(apiError.message).toContain('API key was rejected');
    expect(apiError.message).not.toContain('db-WRONGKEY');
    expect(server.requestCount('metadata.list_datasets')).toBe(1);
  });

  it('should keep the API key out of error messages even when the server echoes it', async () => {
    server.addFaults('metadata.list_datasets', {
      kind: 'status',
      status: 400,
      detail: `Bad request from ${API_KEY} (${Buffer.from(`${API_KEY}:`).toString('base64')})`,
    });
    const error = await client()
      .metadata.listDatasets()
      .catch((caught: unknown) => caught);
    const apiError = error as DataSourceApiError;
    expect(apiError.statusCode).toBe(400);
    expect(apiError.apiMessage).toBe('Bad request from *** (***)');
    expect(apiError.message).not.toContain(API_KEY);
    expect(JSON.stringify(apiError)).not.toContain(API_KEY);
  });

  it('should surface 422 detail without retrying', async () => {
    const error = await client()
      .timeseries.getRange({ ...ESH5_RANGE, end: '2025-04-01' })
      .catch((caught: unknown) => caught);
    expect((error as DataSourceApiError).statusCode).toBe(422);
    expect((error as DataSourceApiError).apiMessage).toContain('after the available range');
    expect(server.requestCount('timeseries.get_range')).toBe(1);
  });

  it('should retry a stream cut mid-body and return only the complete result', async () => {
    server.addFaults('timeseries.get_range', { kind: 'cut', afterBytes: 200 }, { kind: 'cut' });
    const logger = captureLogger();
    const result = await client({ logger }).timeseries.getRange(ESH5_RANGE);
    expect(result.records).toHaveLength(30);
    expect(result.attempts).toBe(3);
    expect(server.requestCount('timeseries.get_range')).toBe(3);
    expect(logger.lines.some((line) => line.includes('attempt 1 failed'))).toBe(true);
  });

  it('should detect a body that ends cleanly but early through the decoder, and retry', async () => {
    server.addFaults('timeseries.get_range', { kind: 'truncate' });
    const result = await client().timeseries.getRangeColumns(ESH5_RANGE);
    expect(result.columns.length).toBe(30);
    expect(result.attempts).toBe(2);
  });

  it('should never return a partial body when every attempt is cut', async () => {
    server.addFaults('timeseries.get_range', { kind: 'cut' }, { kind: 'cut' });
    const error = await client({ maxRetries: 1 })
      .timeseries.getRange(ESH5_RANGE)
      .catch((caught: unknown) => caught);
    expect(DataSourceApiError.isInstance(error)).toBe(true);
    expect((error as DataSourceApiError).isRetryable).toBe(true);
  });

  it('should time out a slow first byte and retry', async () => {
    server.addFaults('metadata.list_schemas', { kind: 'delay', ms: 400 });
    expect(await client({ timeoutMs: 100 }).metadata.listSchemas('XNAS.ITCH')).toEqual(['ohlcv-1m']);
    expect(server.requestCount('metadata.list_schemas')).toBe(2);
  });

  it('should reject with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(client().metadata.listDatasets({}, { signal: controller.signal })).rejects.toThrow(
      'stop now',
    );
    expect(server.requestCount()).toBe(0);
  });

  it('should cancel an in-flight request without retrying it', async () => {
    server.addFaults('timeseries.get_range', { kind: 'delay', ms: 500 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(client().timeseries.getRange(ESH5_RANGE, { signal: controller.signal })).rejects.toThrow(
      'user cancelled',
    );
    expect(server.requestCount('timeseries.get_range')).toBe(1);
  });

  it('should throw MissingCredentialsError without a key, and not at creation', async () => {
    const databento = createDatabento({ baseURL: server.baseURL, env: {} });
    const error = await databento.metadata.listDatasets().catch((caught: unknown) => caught);
    expect(MissingCredentialsError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Missing DataBento credentials');
    expect((error as Error).message).toContain('DATABENTO_API_KEY');
    expect((error as Error).message).toContain('apiKey');
    expect(server.requestCount()).toBe(0);
  });

  it('should read the key and settings from the environment lazily', async () => {
    const env: Record<string, string | undefined> = {};
    const databento = createDatabento({ env });
    env.DATABENTO_API_KEY = API_KEY;
    env.DATABENTO_BASE_URL = server.baseURL;
    env.DATABENTO_TIMEOUT = '5';
    expect(await databento.metadata.listDatasets()).toHaveLength(2);
    expect(databento.settings().timeoutMs).toBe(5000);
  });

  it('should reject bad settings with one issue per field', () => {
    let error: unknown;
    try {
      createDatabento({ timeoutMs: -1, maxRetries: 1.5, baseURL: 'ftp://x' });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    expect((error as InvalidSettingsError).issues.map((issue) => issue.path)).toEqual([
      'timeoutMs',
      'maxRetries',
      'baseURL',
    ]);
    const databento = createDatabento({ env: { DATABENTO_TIMEOUT: 'soon', DATABENTO_API_KEY: API_KEY } });
    expect(() => databento.settings()).toThrow(/DATABENTO_TIMEOUT/);
  });

  it('should never log the API key or its base64 form, even at debug level with retries', async () => {
    const logger = captureLogger();
    server.addFaults('timeseries.get_range', { kind: 'status', status: 500 }, { kind: 'cut' });
    await client({ logger }).timeseries.getRange(ESH5_RANGE);
    await client({ logger, apiKey: `${API_KEY}x` })
      .metadata.listDatasets()
      .catch(() => undefined);
    const text = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThan(3);
    expect(text).toContain('timeseries.get_range');
    expect(text).toContain('"records":30');
    for (const secret of [
      API_KEY,
      Buffer.from(`${API_KEY}:`).toString('base64'),
      Buffer.from(API_KEY).toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
