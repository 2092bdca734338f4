#!/usr/bin/env node
import { runCli } from './program.js';
import { createStreamIo } from './stream-io.js';

// The stream sinks are made before anything runs, so a reader closing stdout or stderr (even one written
// by the progress bar directly) ends the command quietly instead of as an uncaught EPIPE.
process.exitCode = await runCli(process.argv.slice(2), createStreamIo());
