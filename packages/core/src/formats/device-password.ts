import { inspect } from 'node:util';
import { SftunnelCaError, type ErrorLocation } from '../errors/sftunnel-ca-error.js';
import { Secret } from '../secrets/secret.js';

/**
 * How a devices.csv row gives its password:
 * - `inline`: the password itself, as the vendor's CSV has it;
 * - `env`: `env:VAR`, the value of an environment variable;
 * - `file`: `file:PATH`, the first line of a file;
 * - `none`: an empty cell (SSH agent, key file or prompt).
 */
export type DevicePasswordKind = 'inline' | 'env' | 'file' | 'none';

/** Where {@link DevicePassword.resolve} reads references from (the caller's world, injected). */
export interface SecretSources {
  /** Environment variables, e.g. `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads a file on the operator's machine, e.g. `(path) => fs.readFile(path)`. */
  readonly readFile?: (path: string) => Promise<string | Uint8Array>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A device's password, held so that it never shows: `toString`, `JSON.stringify` and
 * `util.inspect` print only its kind and reference, never an inline password.
 *
 * @example
 * ```ts
 * const password = DevicePassword.fromCell('env:FTD_PASSWORD');
 * String(password); // 'env:FTD_PASSWORD'
 * const secret = await password.resolve({ env: process.env, readFile: (p) => readFile(p) });
 * ```
 */
export class DevicePassword {
  /** How the password is given. */
  readonly kind: DevicePasswordKind;
  /** The variable name (`env`) or path (`file`); `undefined` for `inline` and `none`. */
  readonly reference: string | undefined;
  readonly #secret: Secret | undefined;

  private constructor(kind: DevicePasswordKind, reference: string | undefined, secret: Secret | undefined) {
    this.kind = kind;
    this.reference = reference;
    this.#secret = secret;
    Object.freeze(this);
  }

  /**
   * Reads a devices.csv password cell: empty, `env:VAR`, `file:PATH`, or the password itself.
   *
   * @param cell - the cell's text
   * @param where - the cell's location, for errors
   * @throws SftunnelCaError `DEVICES_CSV_INVALID_VALUE` for `env:` without a variable name or
   *   `file:` without a path (the cell is not echoed)
   */
  static fromCell(cell: string, where: ErrorLocation = {}): DevicePassword {
    if (cell === '') return new DevicePassword('none', undefined, undefined);
    if (cell.startsWith('env:')) {
      const name = cell.slice(4);
      if (!ENV_NAME.test(name)) throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', 'a password reference env:VAR needs a variable name of letters, digits and _', where);
      return new DevicePassword('env', name, undefined);
    }
    if (cell.startsWith('file:')) {
      const path = cell.slice(5);
      if (path === '') throw new SftunnelCaError('DEVICES_CSV_INVALID_VALUE', 'a password reference file:PATH needs a path', where);
      return new DevicePassword('file', path, undefined);
    }
    return new DevicePassword('inline', undefined, new Secret(cell));
  }

  /**
   * The password itself: the inline value, the variable's value, or the file's first line.
   *
   * @param sources - environment and file reader
   * @returns the password as a {@link Secret}, or `undefined` for `none`
   * @throws SftunnelCaError `SECRET_REFERENCE_UNRESOLVED` when the variable is unset or the file unreadable
   */
  async resolve(sources: SecretSources): Promise<Secret | undefined> {
    switch (this.kind) {
      case 'none':
      case 'inline':
        return this.#secret;
      case 'env': {
        const value = sources.env?.[this.reference ?? ''];
        if (value === undefined) throw new SftunnelCaError('SECRET_REFERENCE_UNRESOLVED', `the environment variable ${this.reference} is not set`, { step: 'credentials' });
        return new Secret(value);
      }
      case 'file': {
        const path = this.reference ?? '';
        if (sources.readFile === undefined) {
          throw new SftunnelCaError('SECRET_REFERENCE_UNRESOLVED', `cannot read the password file ${path}: no file reader was given`, { step: 'credentials', file: path });
        }
        let content: string | Uint8Array;
        try {
          content = await sources.readFile(path);
        } catch (cause) {
          const why = cause instanceof Error ? `: ${cause.message}` : '';
          throw new SftunnelCaError('SECRET_REFERENCE_UNRESOLVED', `cannot read the password file ${path}${why}`, { step: 'credentials', file: path, cause });
        }
        const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
        return new Secret(text.split(/\r?\n/, 1)[0] ?? '');
      }
    }
  }

  /**
   * The cell as devices.csv holds it: `env:VAR`, `file:PATH`, empty, or, for an inline
   * password, the password itself. Only for writing a devices.csv (mode 0600).
   */
  revealCsvCell(): string {
    return this.kind === 'inline' ? (this.#secret?.revealText() ?? '') : this.toString();
  }

  /** `env:VAR`, `file:PATH`, `<redacted>` or an empty string: never the password. */
  toString(): string {
    switch (this.kind) {
      case 'env':
      case 'file':
        return `${this.kind}:${this.reference}`;
      case 'inline':
        return String(this.#secret);
      case 'none':
        return '';
    }
  }

  /** `{ kind, reference }` for JSON output: never the password. */
  toJSON(): Pick<DevicePassword, 'kind'> & Partial<Pick<DevicePassword, 'reference'>> {
    return this.reference === undefined ? { kind: this.kind } : { kind: this.kind, reference: this.reference };
  }

  /** What `util.inspect` and `console.log` show: never the password. */
  [inspect.custom](): string {
    return `DevicePassword(${this.kind}${this.kind === 'none' ? '' : ` ${this.toString()}`})`;
  }
}
