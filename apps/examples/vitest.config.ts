import { defineProject } from 'vitest/config';

// Regenerating the sample (about 220k bars, zstd level 19) takes a few seconds.
export default defineProject({ test: { name: 'examples', testTimeout: 120_000 } });
