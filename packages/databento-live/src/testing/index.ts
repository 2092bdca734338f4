export {
  type MockDatabentoLive,
  type MockDatabentoLiveOptions,
  type MockLiveFault,
  type MockLiveInstrument,
  startMockDatabentoLive,
} from './mock-live-gateway.js';
