/**
 * Live client throughput and latency against a local gateway socket. The gateway here replays pre-encoded
 * DBN bytes (1 M trades) after the real handshake, so the bench measures the client, not the encoder.
 * Baseline in the same process: a bare `net.Socket` reading the same bytes from the same gateway.
 * Latency: from the arrival of the socket chunk holding a record's last byte to the consumer's callback,
 * for a paced feed (one 20-trade burst per millisecond) and under a flood.
 * Run: `pnpm --filter @lb/databento-live bench`.
 */
import net from 'node:net';
import { DatabentoRType, type DatabentoTradeRecord, encodeMetadata, encodeRecords } from '@lb/dbn';
import { cramResponse } from '../src/control-lines.js';
import { createDatabentoLive } from '../src/index.js';

const API_KEY = 'db-BENCHKEYabcdefghijklmnopq12345';
const RECORD_COUNT = 1_000_000;
const START = 1_772_461_800_000_000_000n;

function tradeBytes(count: number, firstIndex = 0): Uint8Array {
  const records: DatabentoTradeRecord[] = [];
  for (let index = firstIndex; index < firstIndex + count; index++) {
    const tsEvent = START + BigInt(index) * 1000n;
    records.push({
      rtype: DatabentoRType.Mbp0,
      publisherId: 1,
      instrumentId: 100 + (index % 4),
      tsEvent,
      tsRecv: tsEvent,
      action: 'T',
      side: 'B',
      depth: 0,
      price: 6_000_000_000_000n + BigInt(index % 400) * 250_000_000n,
      size: 1,
      flags: 0,
      tsInDelta: 0,
      sequence: index,
    });
  }
  return encodeRecords(records);
}

/** A gateway that authenticates, then streams `body()` (chunks) after `start_session`. */
async function startGateway(
  body: (socket: net.Socket) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const challenge = 'benchchallenge0123456789abcdefgh';
    let text = '';
    let started = false;
    socket.write(`lsg_version=bench\ncram=${challenge}\n`);
    socket.on('data', (chunk) => {
      if (started) return;
      text += chunk.toString('latin1');
      if (text.includes(`auth=${cramResponse(challenge, API_KEY)}`) && !text.includes('success')) {
        socket.write('success=1|session_id=1\n');
        text += 'success';
      }
      if (text.includes('start_session\n')) {
        started = true;
        socket.write(
          encodeMetadata({ dataset: 'GLBX.MDP3', schema: null, startNanos: START, stypeIn: null }),
        );
        body(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes `bytes` in 64 KiB chunks, honouring backpressure, then ends the socket. */
function streamAll(bytes: Uint8Array) {
  return (socket: net.Socket) => {
    let offset = 0;
    const write = () => {
      while (offset < bytes.length) {
        const chunk = bytes.subarray(offset, offset + 65_536);
        offset += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', write);
          return;
        }
      }
    };
    write();
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function rawSocketBaseline(port: number, totalBytes: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = 0;
    let startedAt = 0n;
    let sentAuth = false;
    socket.on('data', (chunk) => {
      if (!sentAuth) {
        sentAuth = true;
        socket.write(
          `auth=${cramResponse('benchchallenge0123456789abcdefgh', API_KEY)}|dataset=GLBX.MDP3\nstart_session\n`,
        );
        return;
      }
      if (startedAt === 0n) startedAt = process.hrtime.bigint();
      received += chunk.length;
      if (received >= totalBytes) {
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        socket.destroy();
        resolve(seconds);
      }
    });
  });
}

async function clientThroughput(port: number): Promise<{ seconds: number; latencies: Float64Array }> {
  const client = createDatabentoLive({
    apiKey: API_KEY,
    dataset: 'GLBX.MDP3',
    gateway: `127.0.0.1:${port}`,
    env: {},
  });
  client.subscribe({ schema: 'trades', symbols: 'ALL_SYMBOLS' });
  const latencies = new Float64Array(RECORD_COUNT);
  let count = 0;
  let startedAt = 0n;
  for await (const item of client.records()) {
    const now = process.hrtime.bigint();
    if (count === 0) startedAt = item.receivedAtHrtimeNanos;
    latencies[count] = Number(now - item.receivedAtHrtimeNanos) / 1000;
    if (++count === RECORD_COUNT) break;
  }
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  await client.close();
  return { seconds, latencies: latencies.sort() };
}

async function pacedLatency(): Promise<Float64Array> {
  const bursts = 2000;
  const perBurst = 20;
  const gateway = await startGateway((socket) => {
    let burst = 0;
    const timer = setInterval(() => {
      if (burst === bursts || socket.destroyed) return clearInterval(timer);
      socket.write(tradeBytes(perBurst, burst * perBurst));
      burst++;
    }, 1);
  });
  const client = createDatabentoLive({
    apiKey: API_KEY,
    dataset: 'GLBX.MDP3',
    gateway: `127.0.0.1:${gateway.port}`,
    env: {},
  });
  client.subscribe({ schema: 'trades', symbols: 'ALL_SYMBOLS' });
  const latencies = new Float64Array(bursts * perBurst);
  let count = 0;
  await new Promise<void>((resolve) => {
    client.on('record', (item) => {
      latencies[count] = Number(process.hrtime.bigint() - item.receivedAtHrtimeNanos) / 1000;
      if (++count === latencies.length) resolve();
    });
  });
  await client.close();
  await gateway.close();
  return latencies.sort();
}

const stream = tradeBytes(RECORD_COUNT);
const megabytes = stream.length / 1e6;
const gateway = await startGateway(streamAll(stream));
console.log(
  `live client vs raw socket, ${RECORD_COUNT.toLocaleString('en-US')} trades (${megabytes.toFixed(1)} MB) over loopback`,
);
const baselineRuns: number[] = [];
const clientRuns: { seconds: number; latencies: Float64Array }[] = [];
for (let run = 0; run < 3; run++) {
  baselineRuns.push(await rawSocketBaseline(gateway.port, stream.length));
  clientRuns.push(await clientThroughput(gateway.port));
}
await gateway.close();
const baseline = Math.min(...baselineRuns);
const best = clientRuns.reduce((left, right) => (left.seconds <= right.seconds ? left : right));
console.log(
  `  raw socket read (baseline): ${(megabytes / baseline).toFixed(0)} MB/s = ${(RECORD_COUNT / baseline / 1e6).toFixed(2)} M records/s of bytes`,
);
console.log(
  `  live client decode + dedupe + queue: ${(RECORD_COUNT / best.seconds / 1e6).toFixed(2)} M records/s (${(best.seconds / baseline).toFixed(1)}x the raw read time)`,
);
console.log(
  `  latency under flood, chunk arrival -> consumer: p50 ${percentile(best.latencies, 0.5).toFixed(0)} us, p99 ${percentile(best.latencies, 0.99).toFixed(0)} us`,
);
const paced = await pacedLatency();
console.log(
  `  latency paced (20-trade burst per ms), chunk arrival -> 'record' callback: p50 ${percentile(paced, 0.5).toFixed(0)} us, p99 ${percentile(paced, 0.99).toFixed(0)} us`,
);
