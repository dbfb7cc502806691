import { inspect } from 'node:util';

const REDACTED = '<redacted>';

/**
 * A secret value (password, passphrase, private key) that never shows itself: `util.inspect`,
 * `JSON.stringify`, `String()` and template literals all print `<redacted>`. Only
 * {@link Secret.reveal} gives the value, at the moment it is sent.
 *
 * Options of sftunnel-ca take secrets only as `Secret`s, so that logging an options object
 * or a host can never leak a password.
 *
 * @example
 * ```ts
 * const password = new Secret(process.env.FTD_PASSWORD ?? '');
 * console.log({ password }); // { password: Secret(<redacted>) }
 * ```
 */
export class Secret {
  readonly #value: string | Uint8Array;

  /** @param value - the secret, as text or bytes (e.g. a private key file) */
  constructor(value: string | Uint8Array) {
    this.#value = value;
  }

  /** The secret itself; call it only where the value is sent. */
  reveal(): string | Uint8Array {
    return this.#value;
  }

  /** The secret as text (bytes are decoded as UTF-8). */
  revealText(): string {
    return typeof this.#value === 'string' ? this.#value : Buffer.from(this.#value).toString('utf8');
  }

  /** Always `<redacted>`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `<redacted>`. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `Secret(<redacted>)`. */
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
