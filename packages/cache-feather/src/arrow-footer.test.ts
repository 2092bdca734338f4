import { Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readArrowRowCount } from './arrow-footer.js';

const table = (rows: number) =>
  tableFromArrays({ ts_event: BigInt64Array.from({ length: rows }, (_, index) => BigInt(index)) });

describe('readArrowRowCount', () => {
  it('should read the row count of single-batch, multi-batch and empty Arrow IPC files', () => {
    expect(readArrowRowCount(tableToIPC(table(1321), 'file'))).toBe(1321);
    const twoBatches = new Table([...table(5).batches, ...table(7).batches]);
    expect(twoBatches.batches).toHaveLength(2);
    expect(readArrowRowCount(tableToIPC(twoBatches, 'file'))).toBe(12);
    expect(readArrowRowCount(tableToIPC(table(0), 'file'))).toBe(0);
  });

  it('should return undefined, never throw, for truncated or foreign bytes', () => {
    const bytes = tableToIPC(table(10), 'file');
    for (let length = 0; length < bytes.byteLength; length += 7) {
      expect(() => readArrowRowCount(bytes.subarray(0, length))).not.toThrow();
    }
    expect(readArrowRowCount(bytes.subarray(0, bytes.byteLength - 20))).toBeUndefined();
    expect(readArrowRowCount(new Uint8Array(64).fill(0xff))).toBeUndefined();
    expect(readArrowRowCount(new Uint8Array(0))).toBeUndefined();
  });
});
