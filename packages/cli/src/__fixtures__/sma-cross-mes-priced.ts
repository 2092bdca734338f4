import { continuousFuture } from '@lb/core';

/** The SMA cross sweep fixture, declaring what it reads so a Databento sweep can be priced first. */
export { backtestOptions, default } from './sma-cross-mes.js';

export const requirements = [{ asset: continuousFuture('MES'), timestep: '1m' }];
