// Runtime test helpers: nothing here imports vitest, so a demo or benchmark can use MockDataSource in a
// project without it. The contract suite, which needs vitest, is `@lb/core/testing/contract`.
export { MockDataSource, type MockDataSourceSettings } from './mock-data-source.js';
