export {
  type BrokerContractHarness,
  type BrokerContractOptions,
  describeBrokerContract,
} from './broker-contract.js';
