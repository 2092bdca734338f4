export {
  type DataSourceContractFixture,
  describeDataSourceContract,
} from './describe-data-source-contract.js';
