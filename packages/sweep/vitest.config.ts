import { defineProject } from 'vitest/config';

// Sweeps start threads, processes and redis-server; the BullMQ kill test waits out a 2 s lock.
export default defineProject({ test: { name: 'sweep', testTimeout: 30_000, hookTimeout: 30_000 } });
