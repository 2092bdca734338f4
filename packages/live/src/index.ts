export { PaperBrokerStateError } from './errors.js';
export { type PaperBar, PaperBroker, type PaperBrokerOptions, type PaperTrade } from './paper-broker.js';
export {
  type PaperBrokerState,
  paperBrokerStateSchema,
  readPaperBrokerState,
  writePaperBrokerState,
} from './state-file.js';
