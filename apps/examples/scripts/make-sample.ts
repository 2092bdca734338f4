/** Regenerates apps/examples/data (synthetic DBN sample): `pnpm --filter @lb/examples make-sample`. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSampleData } from '../src/sample-data/generate-sample-data.js';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
// Only the generated folder is replaced; data/README.md stays.
await rm(join(dataDir, 'GLBX.MDP3'), { recursive: true, force: true });
const written = await generateSampleData(dataDir);
console.log(`Wrote ${written.length} files to ${dataDir}:\n${written.map((path) => `  ${path}`).join('\n')}`);
