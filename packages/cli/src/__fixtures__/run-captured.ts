import { runCli } from '../program.js';

/** What one `lb` invocation printed and returned. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `lb` program in process with captured output, as the CLI tests need it. */
export async function runCaptured(...argv: string[]): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
