import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Lab } from '@sftunnel-ca/lab';
import { labAccess } from '../../bench/lab-access.js';

/** The renewal run in a process of its own (the crash test's child: prints one JSON line per event, then the result). */
const CHILD = join(import.meta.dirname, '..', 'renewal', 'fixtures', 'renew-child.ts');

/** How a run of the child ended: its output lines, and whether it was killed. */
export interface RenewProcessRun {
  readonly lines: readonly string[];
  readonly killed: boolean;
}

/** The environment that points the child at a lab and a journal (passwords in the environment, never argv). */
export function renewProcessEnvironment(lab: Lab, journalPath: string): NodeJS.ProcessEnv {
  return {
    RENEW_CHILD_LAB: JSON.stringify(labAccess(lab)),
    RENEW_CHILD_JOURNAL: journalPath,
  };
}

/**
 * Runs a renewal in a child process; with `killAfterLines`, kills it with SIGKILL as soon as it
 * has printed that many lines (a moment of its run; it may finish first).
 *
 * @throws when the child exits non-zero without being killed (its stderr in the message)
 */
export function runRenewProcess(env: NodeJS.ProcessEnv, killAfterLines?: number): Promise<RenewProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let rest = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      if (killAfterLines !== undefined && lines.length >= killAfterLines) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ lines, killed: signal === 'SIGKILL' });
      else reject(new Error(`the renewal process exited ${String(code)}: ${stderr.slice(-2000)}`));
    });
  });
}
