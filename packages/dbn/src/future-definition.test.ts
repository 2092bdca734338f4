import { describe, expect, it } from 'vitest';
import { encodeDbnSync } from './encoder.js';
import { createFutureDefinitionRecord } from './future-definition.js';
import type { DatabentoInstrumentDefinitionRecord } from './record-types.js';
import { decodeDbn } from './stream-decoder.js';

describe('createFutureDefinitionRecord', () => {
  it('should build a v3 definition that round-trips with the multiplier and tick size as fixed point', () => {
    const record = createFutureDefinitionRecord({
      rawSymbol: 'ESH4',
      root: 'ES',
      instrumentId: 4916,
      tsRecvNanos: 1_701_388_800_000_000_000n,
      multiplier: 50,
      tickSize: 0.25,
      expirationNanos: 1_710_509_400_000_000_000n,
      maturityYear: 2024,
      maturityMonth: 3,
    });
    const bytes = encodeDbnSync({
      metadata: { dataset: 'GLBX.MDP3', schema: 'definition', startNanos: 1_701_388_800_000_000_000n },
      records: [record],
    });
    const [decoded] = decodeDbn(bytes).records as DatabentoInstrumentDefinitionRecord[];
    expect(decoded).toEqual(record);
    expect(decoded!.unitOfMeasureQty).toBe(50_000_000_000n);
    expect(decoded!.minPriceIncrement).toBe(250_000_000n);
    expect(decoded!.currency).toBe('USD');
    expect(decoded!.exchange).toBe('XCME');
    expect(decoded!.instrumentClass).toBe('F');
  });
});
