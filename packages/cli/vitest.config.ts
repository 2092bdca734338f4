import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineProject } from 'vitest/config';

// Commands default to the user's cache (~/.lumibot/cache/databento): tests must never touch it.
const cacheDirectory = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-test-cache-'));

export default defineProject({ test: { name: 'cli', env: { LB_CACHE_DIR: cacheDirectory } } });
