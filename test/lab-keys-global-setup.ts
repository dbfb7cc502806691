/**
 * The suite's global set-up: one pool of RSA-2048 keys for every lab the suite starts. Eight keys
 * are generated once, written to a private file (0600 in a 0700 directory) and named by
 * `SFTUNNEL_CA_LAB_KEYS` in the environment every test file, and every process it starts, inherits:
 * the labs of the test files, of the CLI's `demo` and `lab up`, and of the examples read their pool
 * from it instead of each generating eight keys (about 1.3 s of CPU a lab).
 */
import { generateKeyPair } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The lab's `LAB_KEYS_VARIABLE`, written out: this set-up also runs for `pnpm test:unit`, which
 * builds nothing the lab's entry point could be imported from (test/lab-keys.test.ts checks it is the lab's).
 */
export const LAB_KEYS_VARIABLE = 'SFTUNNEL_CA_LAB_KEYS';

const generate = promisify(generateKeyPair);
const POOL_SIZE = 8;

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-lab-keys-'));
  const keys = await Promise.all(Array.from({ length: POOL_SIZE }, () => generate('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })));
  const file = join(dir, 'lab-keys.pem');
  await writeFile(file, keys.map((pair) => pair.privateKey).join(''), { mode: 0o600 });
  process.env[LAB_KEYS_VARIABLE] = file;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
