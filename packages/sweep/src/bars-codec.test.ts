import { Bars, parseTimestep } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { decodeBars, encodeBars } from './bars-codec.js';
import { InvalidSweepError } from './errors.js';

const bars = Bars.fromRows(
  [
    {
      tsEventNanos: 1_704_292_200_000_000_000n,
      open: 4800.25,
      high: 4801,
      low: 4799.5,
      close: 4800.75,
      volume: 12,
    },
    {
      tsEventNanos: 1_704_292_260_000_000_000n,
      open: 4800.75,
      high: 4802.25,
      low: 4800.5,
      close: 4802,
      volume: 7,
    },
  ],
  { symbol: 'MES', timestep: parseTimestep('1m'), segments: [{ symbol: 'MESH4', startIndex: 0 }] },
);

describe('encodeBars / decodeBars', () => {
  it('should round-trip columns and metadata exactly', () => {
    const decoded = decodeBars(encodeBars(bars));
    expect([...decoded.tsEventNanos]).toEqual([...bars.tsEventNanos]);
    expect([...decoded.close]).toEqual([4800.75, 4802]);
    expect([...decoded.volume]).toEqual([12, 7]);
    expect(decoded.metadata).toEqual(bars.metadata);
  });

  it('should wrap bytes in a SharedArrayBuffer without copying them', () => {
    const bytes = encodeBars(bars, { shared: true });
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const decoded = decodeBars(bytes);
    expect(decoded.close.buffer).toBe(bytes.buffer);
  });

  it('should decode misaligned bytes (a Node Buffer slice) by copying once', () => {
    const encoded = encodeBars(bars);
    const padded = new Uint8Array(encoded.length + 3);
    padded.set(encoded, 3);
    expect([...decodeBars(padded.subarray(3)).high]).toEqual([4801, 4802.25]);
  });

  it('should reject truncated or foreign bytes with a typed error', () => {
    const encoded = encodeBars(bars);
    expect(() => decodeBars(encoded.subarray(0, encoded.length - 8))).toThrow(InvalidSweepError);
    expect(() => decodeBars(new Uint8Array([255, 255, 255, 255, 1]))).toThrow('header length out of range');
    expect(() => decodeBars(new Uint8Array(2))).toThrow('fewer than 4 bytes');
  });
});
