import { spawn } from 'node:child_process';
import { BINARY } from './run-binary.js';

/** What a run on a terminal showed (stdout and stderr together, as a terminal does) and how it exited. */
export interface TerminalRun {
  readonly output: string;
  readonly code: number;
}

const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Runs the built binary on a pseudo-terminal (util-linux `script`; 120 columns and 40 rows unless
 * `columns` and `rows` say otherwise), typing the next of `answers` each time `prompt` appears;
 * killed after `timeoutMs`.
 */
export function runOnTerminal(args: readonly string[], prompt: string, answers: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; columns?: number; rows?: number } = {}): Promise<TerminalRun> {
  return new Promise((resolve) => {
    // `script` gives its pseudo-terminal no size.
    const command = `stty cols ${options.columns ?? 120} rows ${options.rows ?? 40}; ${[process.execPath, BINARY, ...args].map(quote).join(' ')}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let asked = 0;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const prompts = output.split(prompt).length - 1;
      for (; asked < prompts; asked += 1) child.stdin.write(`${answers[asked] ?? ''}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code: code ?? -1 });
    });
  });
}
