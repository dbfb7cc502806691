import { generateRsaKeyPair, type RsaKeyPair } from '@sftunnel-ca/core';

/** Key pairs shared by every lab of this process: RSA generation (~10 keys/s) would dominate start-up. */
const pool: Promise<RsaKeyPair>[] = [];

/**
 * A pool of RSA-2048 key pairs that lab certificates are made with, generated once per process.
 * A lab is a simulation: its devices may share keys, while every certificate is its own.
 *
 * @param size - how many distinct key pairs (at least 1)
 * @returns the pool; `keys[i % keys.length]` gives a key for the i-th certificate
 */
export async function labKeyPool(size: number): Promise<readonly RsaKeyPair[]> {
  const wanted = Math.max(1, Math.floor(size));
  while (pool.length < wanted) pool.push(generateRsaKeyPair({ modulusLength: 2048 }));
  return Promise.all(pool.slice(0, wanted));
}
