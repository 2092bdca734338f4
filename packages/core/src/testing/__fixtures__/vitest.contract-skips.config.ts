import { defineConfig } from 'vitest/config';

// Only for the child run in describe-data-source-contract.test.ts; not part of any workspace project.
export default defineConfig({ test: { include: ['contract-skips.fixture.ts'] } });
