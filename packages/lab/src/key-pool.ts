import { lstat, readFile } from 'node:fs/promises';
import { SftunnelCaError, generateRsaKeyPair, importRsaPrivateKey, type RsaKeyPair } from '@sftunnel-ca/core';

/**
 * The environment variable naming a file of RSA-2048 private keys (PEM, one after the other, mode
 * 0600, yours) that every lab started with it takes its key pool from instead of generating one:
 * the test suite generates the file once, so its hundred labs (in its test files, the CLI's `demo`
 * and `lab up`, the examples) do not each spend a second and a half of CPU on eight keys.
 */
export const LAB_KEYS_VARIABLE = 'SFTUNNEL_CA_LAB_KEYS';

/** Key pairs shared by every lab of this process: RSA generation (~10 keys/s) would dominate start-up. */
const pool: Promise<RsaKeyPair>[] = [];
/** The keys read from the file {@link LAB_KEYS_VARIABLE} names, once per process, into the pool. */
let loaded: Promise<void> | undefined;

const PRIVATE_KEY = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]*?-----END \1?PRIVATE KEY-----/g;

/** The keys of the file {@link LAB_KEYS_VARIABLE} names: a regular file of yours, mode 0600, of RSA-2048 keys. */
async function keysOfFile(path: string): Promise<readonly RsaKeyPair[]> {
  const refuse = (why: string, cause?: unknown): SftunnelCaError =>
    new SftunnelCaError('INVALID_ARGUMENT', `${LAB_KEYS_VARIABLE}=${path}: ${why}; unset it to let the lab generate its keys`, { file: path, cause });
  const info = await lstat(path).catch((error: unknown) => {
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  });
  if (!info.isFile()) throw refuse('is not a regular file');
  if ((info.mode & 0o077) !== 0) throw refuse(`has mode ${(info.mode & 0o777).toString(8)}, it holds private keys and must be 600`);
  if (process.getuid !== undefined && info.uid !== process.getuid()) throw refuse(`is owned by uid ${info.uid}, not by you`);
  const pems = (await readFile(path, 'utf8')).match(PRIVATE_KEY) ?? [];
  if (pems.length === 0) throw refuse('holds no PEM private key');
  const keys = await Promise.all(pems.map((pem, index) => importRsaPrivateKey(pem, { source: `key ${index + 1} of ${path}` })));
  const other = keys.findIndex((key) => key.modulusLength !== 2048);
  if (other >= 0) throw refuse(`key ${other + 1} is RSA-${keys[other]?.modulusLength ?? '?'}, the lab's keys are RSA-2048`);
  return keys;
}

/**
 * A pool of RSA-2048 key pairs that lab certificates are made with, generated once per process, or
 * read from the file {@link LAB_KEYS_VARIABLE} names (topped up by generation when it holds fewer).
 * A lab is a simulation: its devices may share keys, while every certificate is its own.
 *
 * @param size - how many distinct key pairs (at least 1)
 * @returns the pool; `keys[i % keys.length]` gives a key for the i-th certificate
 * @throws SftunnelCaError `INVALID_ARGUMENT` when {@link LAB_KEYS_VARIABLE} names a file that is
 *   not a regular file of yours, mode 0600, of RSA-2048 private keys
 */
export async function labKeyPool(size: number): Promise<readonly RsaKeyPair[]> {
  const wanted = Math.max(1, Math.floor(size));
  const file = process.env[LAB_KEYS_VARIABLE];
  if (file !== undefined && file !== '') {
    loaded ??= keysOfFile(file).then((keys) => {
      pool.unshift(...keys.map((key) => Promise.resolve(key)));
    });
    await loaded;
  }
  while (pool.length < wanted) pool.push(generateRsaKeyPair({ modulusLength: 2048 }));
  return Promise.all(pool.slice(0, wanted));
}
