export * from './asset.js';
export * from './errors.js';
export * from './futures-symbology.js';
