import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { MockDatabentoData, MockDatabentoDefinition, MockDatabentoSeries } from '@lb/databento/testing';
import { type DatabentoInstrumentDefinitionRecord, openDbnStream, readOhlcvColumns } from '@lb/dbn';

const PRICE_SCALE = 1e9;

/**
 * Turns the bundled DBN sample into data for the mock Databento server, so the Databento path of the
 * example (client, cost guard, cache) runs end to end on the same bars as the offline path.
 */
export async function loadSampleAsMockData(dataDirectory: string): Promise<MockDatabentoData> {
  const series: MockDatabentoSeries[] = [];
  const definitions: MockDatabentoDefinition[] = [];
  const entries = await readdir(dataDirectory, { withFileTypes: true });
  for (const dataset of entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)) {
    const ohlcvDirectory = path.join(dataDirectory, dataset, 'ohlcv-1m');
    for (const file of (await readdir(ohlcvDirectory)).sort()) {
      const { metadata, columns } = await readOhlcvColumns(path.join(ohlcvDirectory, file));
      const bars = [];
      for (let index = 0; index < columns.length; index++) {
        bars.push({
          time: columns.tsEventNanos[index]!,
          open: columns.open[index]!,
          high: columns.high[index]!,
          low: columns.low[index]!,
          close: columns.close[index]!,
          volume: columns.volume[index]!,
        });
      }
      series.push({
        dataset,
        schema: 'ohlcv-1m',
        symbol: metadata?.symbols[0] ?? file.replace(/\.dbn(\.zst)?$/, ''),
        instrumentId: columns.instrumentId[0] ?? 0,
        bars,
      });
    }
    const definitionDirectory = path.join(dataDirectory, dataset, 'definition');
    for (const file of (await readdir(definitionDirectory)).sort()) {
      const stream = await openDbnStream(path.join(definitionDirectory, file), { upgrade: true });
      for await (const record of stream.records()) {
        const definition = record as DatabentoInstrumentDefinitionRecord;
        definitions.push({
          dataset,
          symbol: definition.rawSymbol,
          instrumentId: definition.instrumentId,
          multiplier: Number(definition.unitOfMeasureQty) / PRICE_SCALE,
          tickSize: Number(definition.minPriceIncrement) / PRICE_SCALE,
          expiration: definition.expiration,
          currency: definition.currency,
        });
        break;
      }
      await stream.close();
    }
  }
  return { series, definitions };
}
