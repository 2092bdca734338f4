import { compressZstd, type DatabentoMetadataInput } from '@lb/dbn';
import type { MockCatalog } from './mock-catalog.js';
import { HttpError, required } from './mock-http-error.js';
import { nanosToIso } from './mock-instants.js';
import type { MockDatabentoData } from './mock-types.js';

/** One endpoint's answer: the body and its content type. */
export interface MockEndpointResponse {
  readonly body: Uint8Array;
  readonly type: string;
}

/**
 * The endpoints of the historical API (`timeseries.get_range`, `metadata.*`, `symbology.resolve`) over
 * the catalog: a function from endpoint name and parameters to the response body, or an HttpError.
 */
export function createMockEndpoints(
  catalog: MockCatalog,
  data: MockDatabentoData,
): (endpoint: string, params: Record<string, string>) => Promise<MockEndpointResponse> {
  const series = data.series ?? [];
  const definitions = data.definitions ?? [];
  const pricePerGbUsd = data.pricePerGbUsd ?? 10;
  return async function handle(
    endpoint: string,
    params: Record<string, string>,
  ): Promise<{ body: Uint8Array; type: string }> {
    const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value)), type: 'application/json' });
    switch (endpoint) {
      case 'timeseries.get_range': {
        const selection = catalog.select(params);
        const raw = await selection.encode({
          dataset: required(params, 'dataset'),
          schema: selection.schema as DatabentoMetadataInput['schema'],
          startNanos: selection.start,
          endNanos: selection.end,
          limit: selection.limit === undefined ? null : BigInt(selection.limit),
          stypeIn: (params.stype_in ?? 'raw_symbol') as DatabentoMetadataInput['stypeOut'],
          symbols: required(params, 'symbols').split(','),
          notFound: selection.notFound,
          mappings: selection.mappings,
        });
        const body = params.compression === 'zstd' ? await compressZstd(raw) : raw;
        return { body, type: 'application/octet-stream' };
      }
      case 'metadata.get_cost':
        return json((catalog.select(params).recordBytes / 1e9) * pricePerGbUsd);
      case 'metadata.get_billable_size':
        return json(catalog.select(params).recordBytes);
      case 'metadata.get_record_count':
        return json(catalog.select(params).recordCount);
      case 'metadata.get_dataset_range': {
        const dataset = required(params, 'dataset');
        const range = catalog.datasetRange(dataset);
        if (range === undefined) throw new HttpError(422, `Invalid dataset "${dataset}".`);
        const schemas = [
          ...new Set(series.filter((item) => item.dataset === dataset).map((item) => item.schema)),
        ];
        const iso = { start: nanosToIso(range.start), end: nanosToIso(range.end) };
        return json({ ...iso, schema: Object.fromEntries(schemas.map((schema) => [schema, iso])) });
      }
      case 'metadata.list_datasets':
        return json(catalog.knownDatasets());
      case 'metadata.list_schemas': {
        const dataset = required(params, 'dataset');
        const schemas = new Set(series.filter((item) => item.dataset === dataset).map((item) => item.schema));
        if (definitions.some((item) => item.dataset === dataset)) schemas.add('definition');
        return json([...schemas].sort());
      }
      case 'symbology.resolve':
        return json(catalog.resolveSymbols(params));
      default:
        throw new HttpError(404, `Unknown endpoint ${endpoint}.`);
    }
  };
}
