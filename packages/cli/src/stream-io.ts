import type { CliIo } from './cli-io.js';
import { OutputClosedError } from './output-closed-error.js';

/** The streams {@link createStreamIo} writes to; `process.stdout` and `process.stderr` by default. */
export interface StreamIoTargets {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

// A reader that goes away (`| head`, a closed terminal) shows up as EPIPE, or as a write after the stream
// was destroyed; neither is a failure of the command.
function isClosedReaderError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Output sinks over real streams that survive a closed reader. Node reports EPIPE as an `error` event on
 * the stream, after the write returned; without a listener that event is an uncaught exception with a stack
 * trace. Here it marks the output closed, and the next `stdout` write throws {@link OutputClosedError} so
 * the command stops early and `runCli` exits 0. Writes to a closed stderr are dropped.
 */
export function createStreamIo(targets: StreamIoTargets = process): CliIo {
  let stdoutClosed = false;
  let stderrClosed = false;
  // Registered once per stream, however many CliIo objects are made for it.
  watchForClosedReader(targets.stdout, () => {
    stdoutClosed = true;
  });
  watchForClosedReader(targets.stderr, () => {
    stderrClosed = true;
  });
  return {
    stdout: (text) => {
      if (stdoutClosed) throw new OutputClosedError();
      targets.stdout.write(text);
    },
    stderr: (text) => {
      if (!stderrClosed) targets.stderr.write(text);
    },
  };
}

const closeListeners = new WeakMap<NodeJS.WritableStream, Set<() => void>>();

function watchForClosedReader(stream: NodeJS.WritableStream, onClosed: () => void): void {
  let listeners = closeListeners.get(stream);
  if (listeners === undefined) {
    const registered = new Set<() => void>();
    listeners = registered;
    closeListeners.set(stream, registered);
    stream.on('error', (error: unknown) => {
      if (!isClosedReaderError(error)) throw error;
      for (const listener of registered) listener();
    });
  }
  listeners.add(onClosed);
}
