// `pnpm lb ...`: builds @lb/cli and its workspace packages only when out of date, silently, then runs the
// CLI in this process (no second Node start-up). The CLI reads its arguments from process.argv.slice(2),
// which here are already the user's.
import { buildQuietly } from './quiet-build.mjs';

buildQuietly({ target: '@lb/cli' });
await import('../packages/cli/dist/bin.js');
