/**
 * Streams 1 GB of DBN (ohlcv-1m bars generated on the fly, never stored) through the columnar stream
 * decoder and prints the peak RSS, which must stay under 200 MB. Pass `--zstd` to stream compressed
 * frames through the pure-JS streaming inflater instead.
 *
 * The bytes come from a child process over a pipe, as they would from an HTTP response: generating them
 * in this process (native zstd compression allocates large off-heap buffers) would count the producer's
 * memory against the decoder.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { encodeMetadata, encodeOhlcvColumns, openOhlcvColumnStream } from '../src/index.js';
import { compressZstd } from '../src/zstd.js';

const totalBytes = 1024 ** 3;
const barsPerChunk = 16_384;
const compressed = process.argv.includes('--zstd');

async function* generateDbn(): AsyncGenerator<Uint8Array> {
  const metadata = encodeMetadata({ dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', startNanos: 0n });
  yield compressed ? await compressZstd(metadata) : metadata;
  const tsEventNanos = new BigInt64Array(barsPerChunk);
  const instrumentId = new Uint32Array(barsPerChunk).fill(5482);
  const prices = new Float64Array(barsPerChunk).map((_, index) => 4000 + (index % 40) * 0.25);
  const volume = new Float64Array(barsPerChunk).fill(100);
  let produced = metadata.length;
  let chunkIndex = 0n;
  while (produced < totalBytes) {
    for (let index = 0; index < barsPerChunk; index++) {
      tsEventNanos[index] = (chunkIndex * BigInt(barsPerChunk) + BigInt(index)) * 60_000_000_000n;
    }
    const chunk = encodeOhlcvColumns({
      tsEventNanos,
      instrumentId,
      open: prices,
      high: prices,
      low: prices,
      close: prices,
      volume,
    });
    produced += chunk.length;
    chunkIndex++;
    yield compressed ? await compressZstd(chunk) : chunk;
  }
}

if (process.argv.includes('--generate')) {
  for await (const chunk of generateDbn()) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
  process.exit(0);
}

const producer = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(import.meta.url), '--generate', ...(compressed ? ['--zstd'] : [])],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

let peakRssBytes = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
}, 5);
const start = process.hrtime.bigint();
const stream = await openOhlcvColumnStream(producer.stdout);
let bars = 0;
let volumeSum = 0;
for await (const batch of stream.batches()) {
  bars += batch.length;
  volumeSum += batch.volume[0] ?? 0;
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
}
clearInterval(sampler);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const peakMegabytes = peakRssBytes / 1024 ** 2;
console.log(
  `streamed ${(totalBytes / 1024 ** 3).toFixed(1)} GiB${compressed ? ' (zstd frames)' : ''}: ${bars.toLocaleString('en-US')} bars in ${seconds.toFixed(1)} s, peak RSS ${peakMegabytes.toFixed(0)} MB (${peakMegabytes < 200 ? 'under' : 'OVER'} 200 MB) [${volumeSum > 0 ? 'ok' : 'empty'}]`,
);
if (peakMegabytes >= 200) process.exitCode = 1;
