import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';

/** Bumped when the layout or the meaning of a manifest field changes; other versions are refetched. */
export const MANIFEST_FORMAT_VERSION = 1;

const isoInstant = z.iso.datetime({ offset: true });

const manifestSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  sourceId: z.string(),
  dataset: z.string(),
  schema: z.string(),
  symbol: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** `[coveredStart, coveredEnd)`: the instants whose bars the file holds (all of them, possibly none). */
  coveredStart: isoInstant,
  coveredEnd: isoInstant,
  rowCount: z.number().int().nonnegative(),
  /** Size of the IPC file in bytes. */
  byteLength: z.number().int().nonnegative(),
  /** Lower-case hex sha256 of the IPC file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  writtenAt: isoInstant,
  /** True when the whole day was available at the origin when fetched: such a partition never expires. */
  complete: z.boolean(),
  /** The origin's available end when fetched (or the clock, for sources that cannot tell). */
  availableEndAtFetch: isoInstant,
  /** This day's share of the download that produced it (bytes billed, USD), to report what reads save. */
  downloadBytes: z.number().nonnegative(),
  downloadCostUsd: z.number().nonnegative().optional(),
  /**
   * Byte offsets of each column's values in the file's single record batch, recorded at write time so
   * warm reads view the columns directly instead of decoding IPC metadata. Absent: decode with apache-arrow.
   */
  layout: z
    .object({
      tsEvent: z.number().int().nonnegative(),
      open: z.number().int().nonnegative(),
      high: z.number().int().nonnegative(),
      low: z.number().int().nonnegative(),
      close: z.number().int().nonnegative(),
      volume: z.number().int().nonnegative(),
      /** The bars' own symbol and timestep label (what the source returned). */
      symbol: z.string(),
      timestep: z.string(),
    })
    .optional(),
  /**
   * sha256 of the manifest's own content (its compact JSON without this field, keys in written order), so
   * a flipped digit in `rowCount` or an offset is caught on read. Absent in manifests written before it.
   */
  manifestSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** The JSON file next to each partition's data file. */
export type PartitionManifest = z.infer<typeof manifestSchema>;

/** Why a manifest could not be used. */
export type ManifestReadResult =
  | { readonly status: 'ok'; readonly manifest: PartitionManifest }
  | { readonly status: 'missing' }
  | { readonly status: 'invalid'; readonly reason: string };

/** Reads and validates a manifest. Never throws for a missing or malformed file; reports it instead. */
export async function readManifest(path: string): Promise<ManifestReadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', reason: `unreadable manifest (${(error as Error).message})` };
  }
  return parseManifest(text);
}

/** Validates manifest text: JSON, the schema, its own checksum, and that its ranges lie in its day. */
export function parseManifest(text: string): ManifestReadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'invalid', reason: 'manifest is not valid JSON' };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    return { status: 'invalid', reason: `manifest does not match format ${MANIFEST_FORMAT_VERSION}` };
  }
  const { manifestSha256, ...content } = json as Record<string, unknown>;
  if (manifestSha256 !== undefined && manifestChecksum(content) !== manifestSha256) {
    return { status: 'invalid', reason: 'manifest checksum does not match its content' };
  }
  const manifest = parsed.data;
  const dayStartMs = Date.parse(`${manifest.day}T00:00:00Z`);
  const coveredStartMs = Date.parse(manifest.coveredStart);
  const coveredEndMs = Date.parse(manifest.coveredEnd);
  if (
    !(dayStartMs <= coveredStartMs && coveredStartMs <= coveredEndMs && coveredEndMs <= dayStartMs + DAY_MS)
  ) {
    return { status: 'invalid', reason: 'manifest covers a range outside its day' };
  }
  return { status: 'ok', manifest };
}

const DAY_MS = 86_400_000;

function manifestChecksum(content: object): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * Writes a manifest atomically, with its own checksum. Always called after the data file it describes is
 * in place.
 */
export async function writeManifest(path: string, manifest: PartitionManifest): Promise<void> {
  const { manifestSha256: _previous, ...content } = manifest;
  const withChecksum = { ...content, manifestSha256: manifestChecksum(content) };
  await writeFileAtomic(path, `${JSON.stringify(withChecksum, null, 2)}\n`);
}
