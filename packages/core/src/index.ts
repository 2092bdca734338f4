export * from './asset.js';
export * from './bars.js';
export * from './data-source.js';
export * from './errors.js';
export * from './futures-symbology.js';
export * from './orders.js';
export * from './timestep.js';
export * from './validation.js';
