// Records the exact argv of every process this Node process starts (spawn, exec, execFile, fork:
// all go through ChildProcess.prototype.spawn) as JSON lines in <dir>/<pid>.spawned, mode 0600.
// Loaded into the test file's own process (audit-setup.ts) and, through tee-output.mjs, into every
// Node process the tests start: so the audit reads the argv of every process a Node process of the
// suite starts, however briefly it lives, without polling /proc for it.
import { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the recording goes now: the patch is made once per thread, a new test file only points it elsewhere. */
const RECORDING_DIR = Symbol.for('sftunnel-ca.secret-audit.spawn-record-dir');

/**
 * Starts recording the argv of the processes this one starts. Called again (the next test file in a
 * worker that keeps its modules), it moves the recording to the new directory.
 *
 * @param {string} dir - the audit's output directory
 */
export function recordSpawns(dir) {
  const patched = RECORDING_DIR in ChildProcess.prototype;
  ChildProcess.prototype[RECORDING_DIR] = dir;
  if (patched) return;
  const spawn = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function recordedSpawn(options, ...rest) {
    try {
      const argv = Array.isArray(options?.args) && options.args.length > 0 ? options.args : [options?.file];
      appendFileSync(join(ChildProcess.prototype[RECORDING_DIR], `${process.pid}.spawned`), `${JSON.stringify(argv.map(String))}\n`, { mode: 0o600 });
    } catch {
      // Best effort: the audit is over (its directory is gone) or the options are not ours to read.
    }
    return spawn.call(this, options, ...rest);
  };
}
