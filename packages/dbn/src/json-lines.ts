import type { DbnSource } from './byte-source.js';
import { formatMetadataJson, formatRecordJson } from './json-format.js';
import { openDbnStream } from './stream-decoder.js';

/** Options matching the flags of `dbn FILE --json`. */
export interface DbnJsonOptions {
  /** `--upgrade`: upgrade v1/v2 records and metadata to v3. */
  upgrade?: boolean;
  /** `--metadata`: print only the metadata object instead of the records. */
  metadata?: boolean;
  /** `--fragment`: the input has no metadata header. */
  fragment?: boolean;
}

/**
 * Renders a DBN source as the official CLI's `--json` output, yielding newline-terminated chunks of JSON
 * Lines (one chunk per decoded batch). Byte-identical to `dbn FILE --json [--upgrade] [--metadata]`.
 */
export async function* renderDbnJson(
  source: DbnSource,
  options: DbnJsonOptions = {},
): AsyncGenerator<string> {
  const stream = await openDbnStream(source, { upgrade: options.upgrade, fragment: options.fragment });
  if (options.metadata) {
    if (stream.metadata !== undefined) yield `${formatMetadataJson(stream.metadata)}\n`;
    await stream.close();
    return;
  }
  for await (const batch of stream.decodedBatches()) {
    let text = '';
    for (const decoded of batch) text += `${formatRecordJson(decoded)}\n`;
    yield text;
  }
}
