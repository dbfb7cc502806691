import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `sftunnel-ca` bin, as a user runs it (after `pnpm build`). */
export const BINARY = fileURLToPath(new URL('../bin/sftunnel-ca.js', import.meta.url));

/** What one run of the binary printed, and how it exited. */
export interface BinaryRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs the built binary with `args` (no TTY: stdin is empty), never throwing on a non-zero exit. */
export function runBinary(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<BinaryRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BINARY, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env }, cwd: options.cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ stdout, stderr, code: error === null ? 0 : Number(error.code) });
    });
    child.stdin?.end();
  });
}
