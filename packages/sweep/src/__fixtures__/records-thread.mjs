// Appends "<pid>:<threadId>" to the file named by SWEEP_TEST_THREAD_LOG each time a backtest starts, so
// tests can see which thread of which process ran each parameter set.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { defineStrategy } from '@lb/core';

export default defineStrategy({
  name: 'RecordsThread',
  sleeptime: '1D',
  parameters: { tag: 0 },
  initialize() {
    appendFileSync(process.env.SWEEP_TEST_THREAD_LOG, `${process.pid}:${threadId}\n`);
  },
});
