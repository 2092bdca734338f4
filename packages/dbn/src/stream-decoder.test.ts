import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DbnDecodeError } from './dbn-decode-error.js';
import { decodeDbn, openDbnStream } from './stream-decoder.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDirectory = [
  process.env.LB_DBN_FIXTURES,
  path.resolve(repositoryRoot, '../shared/fixtures/dbn'),
  path.resolve(repositoryRoot, '../../shared/fixtures/dbn'),
].find((candidate) => candidate !== undefined && existsSync(candidate));

if (fixturesDirectory === undefined) console.warn('DBN fixtures not found: skipping the streaming tests.');

const fixtureFiles = fixturesDirectory
  ? readdirSync(fixturesDirectory).filter((name) => /\.dbn(\.frag)?(\.zst)?$/.test(name))
  : [];

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function collect(stream: Awaited<ReturnType<typeof openDbnStream>>) {
  const records = [];
  for await (const record of stream.records()) records.push(record);
  return { metadata: stream.metadata, records };
}

describe.skipIf(fixturesDirectory === undefined)('openDbnStream', () => {
  for (const file of fixtureFiles) {
    const fragment = file.includes('.frag');
    it(`should yield the same records from 1-byte and 7-byte chunks of ${file}`, async () => {
      const bytes = readFileSync(path.join(fixturesDirectory!, file));
      const expected = decodeDbn(bytes, { fragment, upgrade: true });
      for (const size of [1, 7]) {
        const decoded = await collect(
          await openDbnStream(chunksOf(bytes, size), { fragment, upgrade: true }),
        );
        expect(decoded).toEqual(expected);
      }
    });
  }

  it('should read from a file path, a Node Readable and a web ReadableStream alike', async () => {
    const file = path.join(fixturesDirectory!, 'test_data.mbp-10.v3.dbn.zst');
    const expected = decodeDbn(readFileSync(file));
    expect(expected.records).toHaveLength(2);
    expect(await collect(await openDbnStream(file))).toEqual(expected);
    expect(await collect(await openDbnStream(Readable.from(chunksOf(readFileSync(file), 5))))).toEqual(
      expected,
    );
    const webStream = Readable.toWeb(
      Readable.from(chunksOf(readFileSync(file), 3)),
    ) as ReadableStream<Uint8Array>;
    expect(await collect(await openDbnStream(webStream))).toEqual(expected);
  });

  it('should decode multiple concatenated zstd frames', async () => {
    const file = path.join(fixturesDirectory!, 'multi-frame.definition.v1.dbn.frag.zst');
    const decoded = await collect(await openDbnStream(file, { fragment: true }));
    expect(decoded.records).toHaveLength(8);
  });

  it('should raise DbnDecodeError for a stream truncated mid-record', async () => {
    const bytes = readFileSync(path.join(fixturesDirectory!, 'test_data.ohlcv-1m.dbn'));
    const stream = await openDbnStream(chunksOf(bytes.subarray(0, bytes.length - 10), 64));
    await expect(collect(stream)).rejects.toSatisfy(
      (error: unknown) =>
        DbnDecodeError.isInstance(error) && error.rtype === 0x21 && error.byteOffset === bytes.length - 56,
    );
  });
});
