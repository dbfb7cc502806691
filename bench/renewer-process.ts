import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProcessUsage, RenewerJob, RenewerJobKind, RenewerJobs, RenewerReply } from './renewer-job.js';

const CHILD = fileURLToPath(new URL('./renewer-child.ts', import.meta.url));

/** A job's result and what the renewing process used for it. */
export interface Measured<T> {
  readonly result: T;
  readonly usage: ProcessUsage;
}

/** `RENEWER_PROF=DIR`: each renewer child writes a V8 CPU profile to DIR (`node --cpu-prof`). */
const PROFILE_DIRECTORY = process.env['RENEWER_PROF'];
const PROFILE_ARGS = PROFILE_DIRECTORY === undefined || PROFILE_DIRECTORY === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIRECTORY}`];

/**
 * Runs a job in a fresh renewing process (Node with the same loader as this one, e.g. tsx) and
 * waits for its answer and its exit. The job goes over IPC, never argv: it may hold lab passwords.
 *
 * @throws Error when the job fails or the process dies without answering
 */
export function runInRenewer<K extends RenewerJobKind>(job: RenewerJob<K>): Promise<Measured<RenewerJobs[K]['output']>> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: [...process.execArgv, ...PROFILE_ARGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    let reply: RenewerReply<K> | undefined;
    child.once('message', (message) => {
      reply = message as RenewerReply<K>;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (reply === undefined) reject(new Error(`the renewing process for ${job.kind} exited (${signal ?? `code ${String(code)}`}) without answering`));
      else if (!reply.ok) reject(new Error(`${job.kind} failed in the renewing process: ${reply.message}`));
      else resolve({ result: reply.result, usage: reply.usage });
    });
    child.send(job);
  });
}
