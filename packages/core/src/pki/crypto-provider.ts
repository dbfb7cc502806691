import { webcrypto } from 'node:crypto';

/**
 * A WebCrypto implementation: Node's native `globalThis.crypto` (the default) or another, such
 * as `@peculiar/webcrypto`'s `Crypto`. Every function of pki/ takes one as a trailing, defaulted
 * argument.
 *
 * Measured on 2 cores (RSA-2048 key generation, all in flight at once): native WebCrypto
 * ~10 keys/s on the libuv thread pool; `@peculiar/webcrypto` ~5 keys/s, one core, blocking
 * the event loop. Hence the default.
 */
export type CryptoProvider = Pick<webcrypto.Crypto, 'subtle' | 'getRandomValues'>;

/** A WebCrypto key (Node's `webcrypto.CryptoKey`). */
export type CryptoKey = webcrypto.CryptoKey;

/** Node's native WebCrypto, the default {@link CryptoProvider}. */
export const nativeCrypto: CryptoProvider = webcrypto;
