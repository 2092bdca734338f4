import { Command, CommanderError } from 'commander';
import { registerCacheCommand } from './cache-command.js';
import { registerDatabentoCommands } from './databento-command.js';
import { registerDbnCommand } from './dbn-command.js';
import { registerFuturesCommand } from './futures-command.js';

/** Output sinks, injectable so tests run the real program without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Builds the `lb` program. Each command group lives in its own module and registers itself here. */
export function createProgram(io: CliIo = defaultIo): Command {
  const program = new Command('lb')
    .description('@lb: Databento market data and futures backtests for TypeScript')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerFuturesCommand(program, io);
  registerDbnCommand(program, io);
  registerDatabentoCommands(program, io);
  registerCacheCommand(program, io);
  return program;
}

// Commander applies exitOverride and output settings per command, so subcommands need them too.
function configureAll(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const child of command.commands) configureAll(child, io);
}

/**
 * Runs the CLI and returns its exit code: 0 on success, 2 on bad arguments (one line on stderr), 1 on a
 * failure while running.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = createProgram(io);
  configureAll(program, io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return 2;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Thrown by command actions for bad arguments that commander cannot check itself; exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
