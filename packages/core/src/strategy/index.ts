export * from './before-close.js';
export * from './broker.js';
export * from './data-not-loaded.js';
export * from './market-time.js';
export * from './order-options.js';
export * from './sleeptime.js';
export * from './strategy.js';
export * from './strategy-context.js';
