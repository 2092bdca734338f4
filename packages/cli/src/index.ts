export { type CliIo, createProgram, runCli, UsageError } from './program.js';
