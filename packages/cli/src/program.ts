import { createRequire } from 'node:module';
import { Command, CommanderError, type HelpContext } from 'commander';
import { registerBacktestCommand } from './backtest-command.js';
import { registerCacheCommand } from './cache-command.js';
import type { CliIo } from './cli-io.js';
import { registerDatabentoCommands } from './databento-command.js';
import { registerDbnCommand } from './dbn-command.js';
import { registerFuturesCommand } from './futures-command.js';
import { registerLiveCommand } from './live-command.js';
import { PackageNotAvailableError } from './optional-package.js';
import { OutputClosedError } from './output-closed-error.js';
import { describeFileSystemError } from './path-arguments.js';
import { registerSourcesCommand } from './sources-command.js';
import { createStreamIo } from './stream-io.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerTradeCommand } from './trade-command.js';
import { UsageError } from './usage-error.js';
import { registerWorkerCommand } from './worker-command.js';

export type { CliIo } from './cli-io.js';
export { UsageError };

// Read at run time from the installed package.json (dist/ sits next to it), so the version is never stale.
function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version: string };
  return manifest.version;
}

// Made on first use so importing the package never attaches listeners to process.stdout.
let processIo: CliIo | undefined;
const defaultIo: CliIo = {
  stdout: (text) => {
    processIo ??= createStreamIo();
    processIo.stdout(text);
  },
  stderr: (text) => {
    processIo ??= createStreamIo();
    processIo.stderr(text);
  },
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
  registerSourcesCommand(program, io);
  registerDatabentoCommands(program, io);
  registerCacheCommand(program, io);
  registerLiveCommand(program, io);
  registerSweepCommand(program, io);
  registerTradeCommand(program, io);
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
 * optional package), 1 for anything that failed while running, 0 without a word when stdout was closed by
 * its reader.
 */
export function reportError(error: unknown, io: CliIo): number {
  // The reader of stdout went away (`| head`): not a failure, and nobody is left to read a message.
  if (OutputClosedError.isInstance(error)) return 0;
  const message = describeFileSystemError(error) ?? (error instanceof Error ? error.message : String(error));
  io.stderr(`error: ${message}\n`);
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
