/**
 * Decode throughput: ~2 million ohlcv-1m bars generated with the columnar encoder, decoded with the
 * columnar fast path, compared with a plain Buffer.copy of the same bytes; zstd inflate rates for the
 * native (@mongodb-js/zstd) and pure-JS (fzstd) paths. Run: `pnpm --filter @lb/dbn bench`.
 */
import {
  compressZstd,
  decodeDbn,
  decodeOhlcvColumns,
  decompressZstd,
  decompressZstdSync,
  encodeOhlcvColumns,
  type OhlcvColumnsInput,
} from '../src/index.js';

const barCount = 2_000_000;

function generateBars(count: number): OhlcvColumnsInput {
  const tsEventNanos = new BigInt64Array(count);
  const instrumentId = new Uint32Array(count);
  const open = new Float64Array(count);
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const close = new Float64Array(count);
  const volume = new Float64Array(count);
  let price = 4000;
  const startNanos = 1_609_160_400_000_000_000n;
  for (let index = 0; index < count; index++) {
    tsEventNanos[index] = startNanos + BigInt(index) * 60_000_000_000n;
    instrumentId[index] = 5482 + (index % 4);
    // A random walk on the 0.25 tick so prices look like ES futures and compress like real data.
    price += (Math.floor(Math.random() * 5) - 2) * 0.25;
    open[index] = price;
    high[index] = price + 0.5;
    low[index] = price - 0.25;
    close[index] = price + 0.25;
    volume[index] = Math.floor(Math.random() * 1000);
  }
  return { tsEventNanos, instrumentId, open, high, low, close, volume };
}

function bestOf(runs: number, action: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    action();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

async function bestOfAsync(runs: number, action: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    await action();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

const format = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

const bytes = encodeOhlcvColumns(generateBars(barCount), {
  metadata: { dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', startNanos: 1_609_160_400_000_000_000n },
});
const megabytes = bytes.length / 1e6;
console.log(`ohlcv-1m: ${format(barCount)} bars, ${format(megabytes)} MB uncompressed`);

const columnarSeconds = bestOf(7, () => {
  if (decodeOhlcvColumns(bytes).columns.length !== barCount) throw new Error('bar count mismatch');
});
const rawSeconds = bestOf(7, () => decodeOhlcvColumns(bytes, { rawPrices: true }));
const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const target = Buffer.allocUnsafe(bytes.length);
const copySeconds = bestOf(7, () => source.copy(target));
const recordsPerSecond = barCount / columnarSeconds;
console.log(
  `columnar decode: ${format(recordsPerSecond / 1e6)} M records/s (${format(megabytes / columnarSeconds)} MB/s)`,
);
console.log(
  `columnar decode, rawPrices: ${format(barCount / rawSeconds / 1e6)} M records/s (${format(megabytes / rawSeconds)} MB/s)`,
);
console.log(`Buffer.copy:     ${format(megabytes / copySeconds)} MB/s`);
console.log(
  `ratio decode time / Buffer.copy time: ${format(columnarSeconds / copySeconds)}x (units), ${format(rawSeconds / copySeconds)}x (raw)`,
);

const objectSlice = bytes.subarray(0, 8 + new DataView(bytes.buffer).getUint32(4, true) + 56 * 200_000);
const objectSeconds = bestOf(3, () => decodeDbn(objectSlice));
console.log(`record objects (decodeDbn): ${format(200_000 / objectSeconds / 1e6)} M records/s`);

const compressed = await compressZstd(bytes);
console.log(
  `zstd level 3: ${format(compressed.length / 1e6)} MB (${format(bytes.length / compressed.length)}x)`,
);
const nativeSeconds = await bestOfAsync(5, () => decompressZstd(compressed));
const pureJsSeconds = bestOf(3, () => decompressZstdSync(compressed));
console.log(`zstd inflate native (@mongodb-js/zstd): ${format(megabytes / nativeSeconds)} MB/s of output`);
console.log(`zstd inflate pure JS (fzstd):           ${format(megabytes / pureJsSeconds)} MB/s of output`);
