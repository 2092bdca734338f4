import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createMockCatalog } from './mock-catalog.js';
import { createMockEndpoints } from './mock-endpoints.js';
import { HttpError } from './mock-http-error.js';
import type {
  MockDatabentoFault,
  MockDatabentoOptions,
  MockDatabentoRequest,
  MockDatabentoServer,
} from './mock-types.js';

// The HTTP layer: authentication, the request log and fault injection. The data lives in the catalog
// (mock-catalog.ts), the endpoints' answers in mock-endpoints.ts.

/**
 * Starts a mock of Databento's historical HTTP API on 127.0.0.1 (a free port), serving real DBN+zstd
 * bodies built with this package's encoder from in-memory data. For tests and examples: no internet.
 *
 * ```ts
 * const server = await startMockDatabento({ data: { series: [{ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m',
 *   symbol: 'ESH5', instrumentId: 42, bars: [{ time: '2025-01-02T14:30:00Z', open: 1, high: 2, low: 1, close: 2, volume: 10 }] }] } });
 * const client = createDatabento({ apiKey: 'db-test', baseURL: server.baseURL });
 * ```
 */
export async function startMockDatabento(options: MockDatabentoOptions = {}): Promise<MockDatabentoServer> {
  const data = options.data ?? {};
  const faults = new Map<string, MockDatabentoFault[]>();
  for (const [endpoint, queue] of Object.entries(options.faults ?? {})) {
    faults.set(endpoint, [...(queue ?? [])]);
  }
  const requests: MockDatabentoRequest[] = [];
  const sockets = new Set<Socket>();
  const handle = createMockEndpoints(createMockCatalog(data), data);

  const isAuthorized = (header: string | undefined): boolean => {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const key = separator === -1 ? decoded : decoded.slice(0, separator);
    return options.apiKey === undefined ? key.length > 0 : key === options.apiKey;
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const endpoint = url.pathname.replace(/^\/v0\//, '');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (request.method === 'POST') {
      Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    }
    requests.push({
      endpoint,
      method: request.method ?? 'GET',
      params,
      userAgent: request.headers['user-agent'],
      receivedAtMs: performance.now(),
    });
    const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
    };
    if (!isAuthorized(request.headers.authorization)) {
      sendJson(401, { detail: 'Authentication failed: the API key is invalid or missing.' });
      return;
    }
    const fault = faults.get(endpoint)?.shift();
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      sendJson(
        fault.status,
        { detail: fault.detail ?? (fault.status === 429 ? 'Too many requests.' : 'Internal server error.') },
        fault.retryAfter !== undefined
          ? { 'retry-after': fault.retryAfter }
          : fault.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(fault.retryAfterSeconds) },
      );
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    let result: { body: Uint8Array; type: string };
    try {
      result = await handle(endpoint, params);
    } catch (error) {
      if (error instanceof HttpError) sendJson(error.status, { detail: error.message });
      else sendJson(500, { detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (response.destroyed || request.socket.destroyed) return;
    if (fault?.kind === 'truncate') {
      const body = result.body.subarray(0, fault.afterBytes ?? Math.floor(result.body.byteLength / 2));
      response.writeHead(200, { 'content-type': result.type, 'content-length': body.byteLength });
      response.end(body);
      return;
    }
    if (fault?.kind === 'corrupt') {
      const body = Buffer.from(result.body);
      for (let index = fault.fromByte ?? Math.floor(body.byteLength / 2); index < body.byteLength; index++) {
        body[index] = body[index]! ^ 0xff;
      }
      response.writeHead(200, { 'content-type': result.type, 'content-length': body.byteLength });
      response.end(body);
      return;
    }
    response.writeHead(200, { 'content-type': result.type, 'content-length': result.body.byteLength });
    if (fault?.kind === 'cut') {
      const cutAt = Math.max(
        1,
        Math.min(fault.afterBytes ?? Math.floor(result.body.byteLength / 2), result.body.byteLength - 1),
      );
      response.write(result.body.subarray(0, cutAt), () => {
        setTimeout(() => request.socket.destroy(), 5);
      });
      return;
    }
    response.end(result.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requestCount: (endpoint) =>
      endpoint === undefined ? requests.length : requests.filter((item) => item.endpoint === endpoint).length,
    get requests() {
      return requests;
    },
    addFaults(endpoint, ...added) {
      const queue = faults.get(endpoint) ?? [];
      queue.push(...added);
      faults.set(endpoint, queue);
    },
    resetRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
