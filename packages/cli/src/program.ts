import { createRequire } from 'node:module';
import { Command, CommanderError, type HelpContext } from 'commander';
import { registerBacktestCommand } from './backtest-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerDatabentoCommands } from './databento-command.js';
import { registerDbnCommand } from './dbn-command.js';
import { registerFuturesCommand } from './futures-command.js';
import { PackageNotAvailableError } from './optional-package.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerWorkerCommand } from './worker-command.js';

// Read at run time from the installed package.json (dist/ sits next to it), so the version is never stale.
function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version: string };
  return manifest.version;
}

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
    .version(cliVersion(), '-v, --version', 'print the version of @lb/cli')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerFuturesCommand(program, io);
  registerDbnCommand(program, io);
  registerBacktestCommand(program, io);
  registerDatabentoCommands(program, io);
  registerCacheCommand(program, io);
  registerSweepCommand(program, io);
  registerWorkerCommand(program, io);
  return program;
}

/** `lb futures resolve` for the `resolve` command: the words a user types to reach `command`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current !== null; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}

// Commander applies exitOverride and output settings per command, so subcommands need them too.
function configureAll(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: io.stdout,
    writeErr: io.stderr,
    // Commander puts its "(Did you mean resolve?)" hint on a second line; errors stay on one line.
    outputError: (text, write) => write(`${text.trimEnd().replace(/\s*\n\s*/g, ' ')}\n`),
  });
  if (command.commands.length > 0) {
    // Commander answers a missing subcommand (`lb futures`) by printing the whole help to stderr and
    // exiting 1; a missing command is bad usage, so say so in one line and exit 2 like other usage errors.
    const showHelp = command.help.bind(command);
    command.help = ((context?: HelpContext) => {
      if (context?.error === true) {
        const names = command.commands.map((child) => child.name()).filter((name) => name !== 'help');
        const path = commandPath(command);
        throw new UsageError(`'${path}' needs a command: ${names.join(', ')} (see '${path} --help')`);
      }
      return showHelp(context);
    }) as Command['help'];
  }
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
      // `lb help` with no command name: help was asked for, on stdout.
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
      return 2;
    }
    return reportError(error, io);
  }
}

/**
 * Prints a failure as one line on stderr and returns the exit code: 2 for bad usage (including a missing
 * optional package), 1 for anything that failed while running.
 */
export function reportError(error: unknown, io: CliIo): number {
  io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return error instanceof UsageError || PackageNotAvailableError.isInstance(error) ? 2 : 1;
}

/**
 * Runs a script's main function with the standard output sinks and sets the process exit code the way
 * `lb` does, so example scripts fail with one clear line instead of a stack trace.
 */
export async function runMain(main: (io: CliIo, argv: readonly string[]) => Promise<void>): Promise<void> {
  try {
    await main(defaultIo, process.argv.slice(2));
  } catch (error) {
    process.exitCode = reportError(error, defaultIo);
  }
}

/** Thrown by command actions for bad arguments that commander cannot check itself; exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
