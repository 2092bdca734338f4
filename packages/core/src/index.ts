export * from './asset.js';
export * from './errors.js';
export * from './futures-symbology.js';
export * from './market-calendar.js';
export * from './roll-rules.js';
