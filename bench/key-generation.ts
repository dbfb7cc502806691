import { generateRsaKeyPair, type CryptoProvider } from '@sftunnel-ca/core';
import { runPool } from '@sftunnel-ca/transport';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const runFile = promisify(execFile);

/** How long generating some keys took. */
export interface KeyRate {
  readonly keys: number;
  readonly seconds: number;
  readonly keysPerSecond: number;
}

/** Times `work`, which makes `keys` keys. */
export async function keyRate(keys: number, work: () => Promise<unknown>): Promise<KeyRate> {
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  return { keys, seconds, keysPerSecond: keys / seconds };
}

/** Generates `count` RSA-2048 key pairs with a WebCrypto provider, `concurrency` at once (the engine's way). */
export async function generateWithProvider(count: number, crypto: CryptoProvider, concurrency: number): Promise<void> {
  const outcomes = await runPool(Array.from({ length: count }, (_, i) => i), () => generateRsaKeyPair({}, crypto), { concurrency });
  const failed = outcomes.find((o) => !o.ok);
  if (failed !== undefined && !failed.ok) throw failed.error;
}

/** Generates `count` RSA-2048 keys with `openssl genrsa 2048`, `processes` processes at a time. */
export async function generateWithOpenssl(count: number, processes: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: processes }, async () => {
      while (next < count) {
        next += 1;
        await runFile('openssl', ['genrsa', '2048'], { maxBuffer: 1 << 20 });
      }
    }),
  );
}
