import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { runCli } from '@sftunnel-ca/cli';
import type { BinaryRun } from './run-binary.js';

/** Runs of this process so far: each run's copies for the secret audit get a name of their own. */
let runs = 0;

/**
 * Hands what a run printed, and its arguments, to the suite's secret audit the way a Node child's
 * copies reach it (test/secret-audit/tee-output.mjs): `<name>.argv` and `<name>.out`, 0600, in
 * `SFTUNNEL_CA_AUDIT_OUTPUT` — so moving a test from the binary to {@link runInProcess} takes
 * nothing away from what the audit reads.
 */
function copyForAudit(args: readonly string[], printed: string): void {
  const dir = process.env['SFTUNNEL_CA_AUDIT_OUTPUT'];
  if (dir === undefined || dir === '') return;
  runs += 1;
  const name = join(dir, `${process.pid}-in-process-${runs}`);
  writeFileSync(`${name}.argv`, JSON.stringify(['sftunnel-ca (runCli, in process)', ...args]), { mode: 0o600 });
  writeFileSync(`${name}.out`, printed, { mode: 0o600 });
}

/**
 * Runs the CLI's commands in this process, through {@link runCli} — what the built binary calls
 * with the process's streams (`bin/sftunnel-ca.js`), and what an embedder calls — with the same
 * inputs `runBinary` gives the binary: no terminal, an empty standard input, the process's
 * environment with `NO_COLOR=1` and `env` over it. It saves the binary's start (0.2–0.6 s of CPU a
 * run: Node, and the x509, ASN.1 and SSH libraries loaded afresh) where a test is about what a
 * command does, not about the process; the tests of the process itself (exit on a closed pipe,
 * Ctrl-C, a terminal, a pipe on standard input, the installed package) run the binary, and
 * `in-process-and-binary.test.ts` checks that both give the same output and exit code.
 */
export async function runInProcess(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<BinaryRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const printed = Promise.all([text(stdout), text(stderr)]);
  const env = { ...process.env, NO_COLOR: '1', ...options.env };
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([]), env, now: () => new Date() }).finally(() => {
    stdout.end();
    stderr.end();
  });
  const [out, err] = await printed;
  copyForAudit(args, `${out}${err}`);
  return { stdout: out, stderr: err, code };
}
