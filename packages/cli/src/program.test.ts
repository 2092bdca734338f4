import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './__fixtures__/run-captured.js';
import { createProgram } from './program.js';

const run = runCaptured;

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return [path, ...commandPaths(child, path)];
  });
}

describe('lb', () => {
  const paths = commandPaths(createProgram());

  it('should register the futures commands', () => {
    expect(paths.map((path) => path.join(' '))).toEqual(
      expect.arrayContaining(['futures', 'futures resolve', 'futures schedule']),
    );
  });

  it.each([[], ...paths])('should print help for `lb %s --help` on stdout and exit 0', async (...path) => {
    const result = await run(...path, '--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.startsWith(`Usage: ${['lb', ...path].join(' ')} `)).toBe(true);
  });

  it('should exit 2 with one line when a command group is given no command', async () => {
    expect(await run('futures')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: 'lb futures' needs a command: resolve, schedule (see 'lb futures --help')\n",
    });
    const bare = await run();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^error: 'lb' needs a command: futures, .+ \(see 'lb --help'\)\n$/);
  });

  it('should keep the suggestion for an unknown command on the same line', async () => {
    expect(await run('futures', 'resolv', 'ES')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'resolv' (Did you mean resolve?)\n",
    });
  });

  it('should exit 2 with one line for unknown options and extra arguments', async () => {
    expect(await run('futures', 'resolve', 'ES', '--at', '2025-03-11T04:30:00Z', '--bogus')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown option '--bogus'\n",
    });
    expect(await run('futures', 'resolve', 'ES', 'NQ', '--at', '2025-03-11T04:30:00Z')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: too many arguments for 'resolve'. Expected 1 argument but got 2.\n",
    });
  });

  it('should print help for `lb help futures` and exit 0', async () => {
    const result = await run('help', 'futures');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('Usage: lb futures ')).toBe(true);
  });
});

describe('lb --version', () => {
  it('should print the version of the installed package', async () => {
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
