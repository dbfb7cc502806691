// Loaded into every Node process the tests start (NODE_OPTIONS=--import, set by audit-setup.ts):
// writes its exact argv to SFTUNNEL_CA_AUDIT_OUTPUT/<pid>.argv, records the argv of the processes
// it starts (record-spawns.mjs) and copies what it writes through
// process.stdout and process.stderr to <pid>.out (both mode 0600), so the secret audit reads what
// the CLI, the exporter, the examples and the demo printed, whichever test started them and
// however it read (or ignored) their output.
import { openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { recordSpawns } from './record-spawns.mjs';

function copyTo(dir) {
  try {
    writeFileSync(join(dir, `${process.pid}.argv`), JSON.stringify([process.execPath, ...process.execArgv, ...process.argv.slice(1)]), { mode: 0o600 });
    return openSync(join(dir, `${process.pid}.out`), 'a', 0o600);
  } catch {
    return undefined; // the audit is over (its directory is gone): nothing to copy to
  }
}

const dir = process.env.SFTUNNEL_CA_AUDIT_OUTPUT;
const fd = dir === undefined || dir === '' ? undefined : copyTo(dir);
if (fd !== undefined) {
  recordSpawns(dir);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function tee(chunk, ...rest) {
      try {
        writeSync(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch {
        // The audit's copy is best effort; the process's own output must never fail because of it.
      }
      return write.call(this, chunk, ...rest);
    };
  }
}
