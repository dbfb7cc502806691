import { ERROR_CODES, type SftunnelCaErrorCode } from './error-codes.js';

const MARKER = Symbol.for('sftunnel-ca.error');

/** Where an error happened: any of host, step, file, line and column that apply. */
export interface ErrorLocation {
  /** The appliance (name or address) the operation ran against. */
  readonly host?: string;
  /** The step or phase, e.g. `deliver` or `parse`. */
  readonly step?: string;
  /** The file (a path, or a name such as `devices.csv`). */
  readonly file?: string;
  /** 1-based line number in {@link ErrorLocation.file}. */
  readonly line?: number;
  /** 1-based column number in {@link ErrorLocation.file}. */
  readonly column?: number;
}

/** Options of {@link SftunnelCaError}. */
export interface SftunnelCaErrorOptions extends ErrorLocation {
  /** The underlying error, always passed on when there is one. */
  readonly cause?: unknown;
}

/**
 * The one error class of sftunnel-ca. Every error the packages throw on purpose is an
 * instance, with a stable {@link SftunnelCaError.code} listed in `docs/errors.md`.
 *
 * The message says what was wrong; the location fields say where; {@link SftunnelCaError.remedy}
 * says what to do. Secrets never appear in any of them.
 *
 * @example
 * ```ts
 * try {
 *   parsePem(text, { source: 'cacert.pem' });
 * } catch (error) {
 *   if (isSftunnelCaError(error) && error.code === 'PEM_INVALID') console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class SftunnelCaError extends Error {
  /** The stable code that identifies this error. */
  readonly code: SftunnelCaErrorCode;
  /** The appliance the operation ran against, when there is one. */
  readonly host: string | undefined;
  /** The step or phase, when there is one. */
  readonly step: string | undefined;
  /** The file involved, when there is one. */
  readonly file: string | undefined;
  /** 1-based line in {@link SftunnelCaError.file}, when known. */
  readonly line: number | undefined;
  /** 1-based column in {@link SftunnelCaError.file}, when known. */
  readonly column: number | undefined;

  /**
   * @param code - the stable code
   * @param message - what was wrong (no secrets)
   * @param options - where it happened and the cause
   */
  constructor(code: SftunnelCaErrorCode, message: string, options: SftunnelCaErrorOptions = {}) {
    super(withLocation(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SftunnelCaError';
    this.code = code;
    this.host = options.host;
    this.step = options.step;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** What to do about this error (from the table of codes). */
  get remedy(): string {
    return ERROR_CODES[this.code].remedy;
  }

  /** A plain object for JSON output: code, message, location and remedy (never the cause's stack). */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.host === undefined ? {} : { host: this.host }),
      ...(this.step === undefined ? {} : { step: this.step }),
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.line === undefined ? {} : { line: this.line }),
      ...(this.column === undefined ? {} : { column: this.column }),
      remedy: this.remedy,
    };
  }
}

/**
 * Whether a value is a {@link SftunnelCaError}, also across two installed copies of the package.
 *
 * @param value - anything caught
 * @param code - when given, also require this code
 *
 * @example
 * ```ts
 * try {
 *   await SshHost.connect(options);
 * } catch (error) {
 *   if (isSftunnelCaError(error, 'HOST_KEY_MISMATCH')) console.error(error.message); // both fingerprints
 *   else throw error;
 * }
 * ```
 */
export function isSftunnelCaError(value: unknown, code?: SftunnelCaErrorCode): value is SftunnelCaError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[MARKER] === true &&
    (code === undefined || (value as SftunnelCaError).code === code)
  );
}

function withLocation(message: string, where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.host !== undefined) parts.push(`host ${where.host}`);
  if (where.step !== undefined) parts.push(`step ${where.step}`);
  if (where.file !== undefined) {
    let place = where.file;
    if (where.line !== undefined) place += `:${where.line}`;
    if (where.line !== undefined && where.column !== undefined) place += `:${where.column}`;
    parts.push(place);
  } else if (where.line !== undefined) {
    parts.push(where.column === undefined ? `line ${where.line}` : `line ${where.line}, column ${where.column}`);
  }
  return parts.length === 0 ? message : `${message} (${parts.join(', ')})`;
}
