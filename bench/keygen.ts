/**
 * RSA-2048 key generation rate, side by side in one run: the engine's default provider (Node's
 * native WebCrypto) against @peculiar/webcrypto, Node's `crypto.generateKeyPair`, and
 * `openssl genrsa` in two parallel processes.
 *
 *   pnpm bench:keygen [count]      (default 100 keys per method)
 */
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { generateRsaKeyPair, nativeCrypto, type CryptoProvider } from '@sftunnel-ca/core';
import { generateKeyPair } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { generateWithOpenssl } from './key-generation.js';

const count = Number(process.argv[2] ?? 100);
const generateNodeKeyPair = promisify(generateKeyPair);

async function rate(label: string, make: () => Promise<unknown>[] | Promise<unknown>): Promise<{ label: string; keysPerSecond: number; seconds: number }> {
  const start = process.hrtime.bigint();
  const work = make();
  await (Array.isArray(work) ? Promise.all(work) : work);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { label, seconds, keysPerSecond: count / seconds };
}

function webcrypto(crypto: CryptoProvider): Promise<unknown>[] {
  return Array.from({ length: count }, () => generateRsaKeyPair({}, crypto));
}

const results = [
  await rate('native WebCrypto (default provider), all in flight', () => webcrypto(nativeCrypto)),
  await rate('@peculiar/webcrypto, all in flight', () => webcrypto(new PeculiarCrypto())),
  await rate('crypto.generateKeyPair, all in flight', () =>
    Array.from({ length: count }, () => generateNodeKeyPair('rsa', { modulusLength: 2048 })),
  ),
  await rate('openssl genrsa 2048, 2 processes', () => generateWithOpenssl(count, 2)),
];

console.log(`RSA-2048 key generation, ${count} keys per method, ${availableParallelism()} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, Node ${process.version}\n`);
console.log('| method | keys/s | seconds |\n|---|---:|---:|');
for (const result of results) console.log(`| ${result.label} | ${result.keysPerSecond.toFixed(1)} | ${result.seconds.toFixed(2)} |`);
