export {
  type DataSourceContractFixture,
  describeDataSourceContract,
} from './describe-data-source-contract.js';
export { MockDataSource, type MockDataSourceSettings } from './mock-data-source.js';
