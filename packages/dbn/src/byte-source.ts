import { createReadStream } from 'node:fs';

/**
 * Anything the decoders read from: a file path, a whole buffer, a Node `Readable`, a web `ReadableStream`,
 * or any (async) iterable of byte chunks.
 */
export type DbnSource =
  | string
  | Uint8Array
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** Read size for file paths: large enough to amortise per-chunk overhead, small enough to bound memory. */
const FILE_CHUNK_BYTES = 1024 * 1024;

/** Normalises any {@link DbnSource} to an async iterable of byte chunks. */
export async function* iterateSourceChunks(source: DbnSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield* createReadStream(source, { highWaterMark: FILE_CHUNK_BYTES }) as AsyncIterable<Uint8Array>;
    return;
  }
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (Symbol.asyncIterator in (source as object)) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    }
    return;
  }
  yield* source as Iterable<Uint8Array>;
}
