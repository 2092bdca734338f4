export { startMockDatabento } from './mock-databento-server.js';
export type {
  MockDatabentoBar,
  MockDatabentoContinuous,
  MockDatabentoData,
  MockDatabentoDefinition,
  MockDatabentoEndpoint,
  MockDatabentoFault,
  MockDatabentoOptions,
  MockDatabentoRequest,
  MockDatabentoSeries,
  MockDatabentoServer,
  MockInstant as MockDatabentoInstant,
} from './mock-types.js';
