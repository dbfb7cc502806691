import { spawn } from 'node:child_process';
import { BINARY, type BinaryRun } from './run-binary.js';

/**
 * Runs the built binary (no TTY) and sends it SIGINT, as Ctrl-C would, once its stderr matches
 * `when`; resolves with what it printed and its exit code.
 */
export function runBinaryInterrupted(args: readonly string[], when: RegExp, options: { env?: NodeJS.ProcessEnv } = {}): Promise<BinaryRun & { readonly interrupted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BINARY, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!interrupted && when.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1, interrupted }));
  });
}
