import { continuousFuture } from '@lb/core';

/** The buy-and-hold strategy, declaring what it reads so the Databento source can price it first. */
export { backtestOptions, default } from './buy-and-hold-mes.js';

export const requirements = [{ asset: continuousFuture('MES'), timestep: '1m' }];
