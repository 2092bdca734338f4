// Shared by the program and its commands; kept apart from program.ts so commands never import it back.

/** Output sinks, injectable so tests run the real program without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
