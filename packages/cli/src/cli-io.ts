// Shared by the program and its commands; kept apart from program.ts so commands never import it back.

/** Output sinks, injectable so tests run the real program without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Thrown by command actions for bad arguments that commander cannot check itself; exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
