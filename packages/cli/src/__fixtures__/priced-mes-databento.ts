import { type MockDatabentoServer, startMockDatabento } from '@lb/databento/testing';
import { vi } from 'vitest';

/**
 * A mock Databento server with one MESH4 minute bar on 2024-01-03 at a price per GB high enough that any
 * download is over a cent, and the environment pointing `lb` at it (key, base URL, cache folder
 * `cacheDir`). Undo with `vi.unstubAllEnvs()` and `server.close()`.
 */
export async function startPricedMesDatabento(
  apiKey: string,
  cacheDir: string,
): Promise<MockDatabentoServer> {
  const server = await startMockDatabento({
    apiKey,
    data: {
      series: [
        {
          dataset: 'GLBX.MDP3',
          schema: 'ohlcv-1m',
          symbol: 'MESH4',
          instrumentId: 42,
          bars: [
            {
              time: new Date('2024-01-03T14:30:00Z'),
              open: 4800,
              high: 4801,
              low: 4799,
              close: 4800.5,
              volume: 3,
            },
          ],
        },
      ],
      pricePerGbUsd: 1_000_000,
    },
  });
  vi.stubEnv('DATABENTO_API_KEY', apiKey);
  vi.stubEnv('DATABENTO_BASE_URL', server.baseURL);
  vi.stubEnv('LB_CACHE_DIR', cacheDir);
  return server;
}
