import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compressZstd } from './zstd.js';

/**
 * Test helper: seeded hostile inputs made by mutating real DBN fixtures. Case `index` of a seed is always
 * the same bytes, so a failing case is reproduced by its (seed, index) alone, in any process.
 */
export interface FuzzCase {
  readonly index: number;
  readonly fixture: string;
  /** Mutations applied, in order, e.g. `bitFlips(3)`, `metadataLength(100)`, `zstd`. */
  readonly mutations: readonly string[];
  readonly bytes: Uint8Array;
  /** The fixture is a record fragment without metadata. */
  readonly fragment: boolean;
}

/** A fixture's bytes by file name. */
export interface FuzzFixture {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Loads the DBN fixtures (plain, zstd and fragments; legacy `.dbz` excluded), sorted by name. */
export function loadFuzzFixtures(directory: string): FuzzFixture[] {
  return readdirSync(directory)
    .filter((name) => /\.dbn(\.frag)?(\.zst)?$/.test(name))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(directory, name))) }));
}

/** mulberry32: a small, fast, seedable PRNG with a full 2^32 period. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const integerBelow = (random: Random, limit: number): number => Math.floor(random() * limit);
const pick = <T>(random: Random, items: readonly T[]): T => items[integerBelow(random, items.length)]!;

// Values that sit on the checks of a length field: below, at and above each boundary, and huge.
const INTERESTING_U32 = [
  0, 1, 3, 4, 99, 100, 103, 104, 107, 108, 111, 112, 120, 0xffff, 0x0fffffff, 0x10000001,
];
const HUGE_U32 = [0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  if (at < 0 || at + 4 > bytes.length) return;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value >>> 0, true);
}

/** Offsets of the record headers after the metadata (or from 0 for fragments), as far as they chain. */
function recordOffsets(bytes: Uint8Array, fragment: boolean): number[] {
  let position =
    fragment || bytes.length < 8 ? 0 : 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const offsets: number[] = [];
  while (position < bytes.length && offsets.length < 10_000) {
    const size = bytes[position]! * 4;
    if (size === 0) break;
    offsets.push(position);
    position += size;
  }
  return offsets;
}

/** Applies one random mutation to `bytes` (returns new bytes) and names it. */
function mutate(random: Random, bytes: Uint8Array, fragment: boolean, isZstd: boolean): [Uint8Array, string] {
  const output = new Uint8Array(bytes);
  const kinds = isZstd
    ? ['bitFlips', 'truncate', 'junk', 'insertJunk', 'hugeU32', 'zstdHeader', 'zstdBlockHeader', 'duplicate']
    : [
        'bitFlips',
        'truncate',
        'junk',
        'insertJunk',
        'hugeU32',
        'metadataLength',
        'recordLength',
        'duplicate',
      ];
  const kind = pick(random, kinds);
  switch (kind) {
    case 'bitFlips': {
      const count = 1 + integerBelow(random, 8);
      for (let flip = 0; flip < count && output.length > 0; flip++) {
        output[integerBelow(random, output.length)]! ^= 1 << integerBelow(random, 8);
      }
      return [output, `bitFlips(${count})`];
    }
    case 'truncate': {
      const length = integerBelow(random, bytes.length);
      return [bytes.slice(0, length), `truncate(${length})`];
    }
    case 'junk': {
      const start = integerBelow(random, Math.max(1, output.length));
      const length = Math.min(1 + integerBelow(random, 64), output.length - start);
      for (let index = 0; index < length; index++) output[start + index] = integerBelow(random, 256);
      return [output, `junk(${start},${length})`];
    }
    case 'insertJunk': {
      const at = integerBelow(random, bytes.length + 1);
      const junk = Uint8Array.from({ length: 1 + integerBelow(random, 64) }, () => integerBelow(random, 256));
      const joined = new Uint8Array(bytes.length + junk.length);
      joined.set(bytes.subarray(0, at), 0);
      joined.set(junk, at);
      joined.set(bytes.subarray(at), at + junk.length);
      return [joined, `insertJunk(${at},${junk.length})`];
    }
    case 'hugeU32': {
      const at = integerBelow(random, Math.max(1, output.length - 3));
      const value = pick(random, random() < 0.5 ? HUGE_U32 : INTERESTING_U32);
      writeUint32(output, at, value);
      return [output, `u32(${at},${value})`];
    }
    case 'metadataLength': {
      const actual = output.length >= 8 ? new DataView(output.buffer).getUint32(4, true) : 0;
      const value = pick(random, [
        ...INTERESTING_U32,
        ...HUGE_U32,
        actual - 1,
        actual + 1,
        actual + 4,
        0x10000000,
        integerBelow(random, 2 ** 32),
      ]);
      writeUint32(output, 4, value);
      return [output, `metadataLength(${value >>> 0})`];
    }
    case 'recordLength': {
      const offsets = recordOffsets(output, fragment);
      if (offsets.length === 0) return [output, 'recordLength(none)'];
      const at = pick(random, offsets);
      const field = random() < 0.7 ? 0 : 1;
      output[at + field] = pick(random, [0, 1, 3, 4, 5, 13, 14, 15, 255, integerBelow(random, 256)]);
      return [output, `${field === 0 ? 'recordLength' : 'rtype'}(${at},${output[at + field]})`];
    }
    case 'duplicate': {
      const start = integerBelow(random, Math.max(1, bytes.length));
      const length = Math.min(1 + integerBelow(random, 512), bytes.length - start);
      const joined = new Uint8Array(bytes.length + length);
      joined.set(bytes.subarray(0, start + length), 0);
      joined.set(bytes.subarray(start), start + length);
      return [joined, `duplicate(${start},${length})`];
    }
    case 'zstdHeader': {
      // Frame header descriptor (4) or window descriptor (5): content size flags, window up to 3.75 GiB.
      const at = 4 + integerBelow(random, 2);
      output[at] = integerBelow(random, 256);
      return [output, `zstdHeader(${at},${output[at]})`];
    }
    case 'zstdBlockHeader': {
      // The first block header follows a 6- to 14-byte frame header: hit one of those bytes.
      const at = 6 + integerBelow(random, 12);
      if (at < output.length) output[at] = integerBelow(random, 256);
      return [output, `zstdBlockHeader(${at},${output[at] ?? ''})`];
    }
  }
  return [output, 'none'];
}

/**
 * Builds case `index` of `seed`: a fixture, one to three mutations (bit flips, truncation, length fields,
 * junk, huge declared lengths), and for plain fixtures, half the time, zstd compression afterwards
 * (valid zstd around corrupt DBN). zstd fixtures are mutated as compressed bytes (corrupt zstd).
 */
export async function createFuzzCase(
  fixtures: readonly FuzzFixture[],
  seed: number,
  index: number,
): Promise<FuzzCase> {
  const random = createRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const fixture = pick(random, fixtures);
  const fragment = fixture.name.includes('.frag');
  const isZstd = fixture.name.endsWith('.zst');
  let bytes = fixture.bytes;
  const mutations: string[] = [];
  const count = 1 + integerBelow(random, 3);
  for (let step = 0; step < count; step++) {
    const [mutated, name] = mutate(random, bytes, fragment, isZstd);
    bytes = mutated;
    mutations.push(name);
  }
  if (!isZstd && random() < 0.5) {
    bytes = await compressZstd(bytes, 1 + integerBelow(random, 5));
    mutations.push('zstd');
  }
  return { index, fixture: fixture.name, mutations, bytes, fragment };
}
