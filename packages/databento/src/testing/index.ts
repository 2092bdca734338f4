export {
  type MockDatabentoBar,
  type MockDatabentoContinuous,
  type MockDatabentoData,
  type MockDatabentoDefinition,
  type MockDatabentoEndpoint,
  type MockDatabentoFault,
  type MockDatabentoOptions,
  type MockDatabentoRequest,
  type MockDatabentoSeries,
  type MockDatabentoServer,
  type MockInstant as MockDatabentoInstant,
  startMockDatabento,
} from './mock-databento-server.js';
