import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OutputClosedError } from './output-closed-error.js';
import { runCli } from './program.js';
import { createStreamIo } from './stream-io.js';

const packageDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A stream whose reader has gone: every write fails with EPIPE, as a pipe to an exited `head` does. */
function closedPipe(): Writable & { attempts: number } {
  const stream = new Writable({
    write(_chunk, _encoding, callback) {
      stream.attempts++;
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }));
    },
  }) as Writable & { attempts: number };
  stream.attempts = 0;
  return stream;
}

function collecting(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return Object.assign(stream, { text: () => text });
}

describe('createStreamIo', () => {
  it('should turn EPIPE on stdout into OutputClosedError on the next write', async () => {
    const stdout = closedPipe();
    const io = createStreamIo({ stdout, stderr: collecting() });
    io.stdout('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => io.stdout('second line\n')).toThrow(OutputClosedError);
    expect(stdout.attempts).toBe(1);
  });

  it('should end a command quietly with exit 0 when stdout is closed', async () => {
    const stderr = collecting();
    const io = createStreamIo({ stdout: closedPipe(), stderr });
    // Two writes a tick apart: the first fails with EPIPE, the second is refused.
    const first = await runCli(['futures', 'resolve', 'ES', '--at', '2025-03-11T04:30:00Z'], io);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await runCli(['futures', 'resolve', 'ES', '--at', '2025-03-11T04:30:00Z'], io);
    expect([first, second]).toEqual([0, 0]);
    expect(stderr.text()).toBe('');
  });

  it('should drop writes to a closed stderr', async () => {
    const stdout = collecting();
    const io = createStreamIo({ stdout, stderr: closedPipe() });
    io.stderr('warning\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => io.stderr('another warning\n')).not.toThrow();
    io.stdout('data\n');
    expect(stdout.text()).toBe('data\n');
  });
});

describe('lb with its stdout closed by the reader (lb ... | head)', () => {
  it('should exit 0 without a stack trace', async () => {
    // A long schedule, printed after the reader end is already closed: the same as `| head -0`.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/bin.ts',
        'futures',
        'schedule',
        'ES',
        '--start',
        '2000-01-01T00:00:00Z',
        '--end',
        '2090-01-01T00:00:00Z',
      ],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);
});
