import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** The largest serial RFC 5280 allows: 20 octets, positive. */
const MAX_SERIAL = (1n << 159n) - 1n;

/**
 * Hands out the serial numbers of one InternalCA: small positive integers, in order, never one
 * twice. Persist {@link SerialNumberSequence.next} (e.g. in a renewal journal) and resume with it
 * so that serials are never reused.
 *
 * @example
 * ```ts
 * const serials = new SerialNumberSequence(16n); // the CA already issued 1 … 15
 * serials.take(); // 16n
 * ```
 */
export class SerialNumberSequence {
  #next: bigint;

  /**
   * @param first - the first serial to hand out; default 1
   */
  constructor(first: bigint = 1n) {
    if (first < 1n || first > MAX_SERIAL) {
      throw new SftunnelCaError('INVALID_ARGUMENT', `the first serial number must be a positive integer of at most 20 octets, got ${first}`);
    }
    this.#next = first;
  }

  /**
   * A sequence that continues above every serial in `seen`: it starts one above the largest (at 1
   * when `seen` is empty). A renewed InternalCA keeps the name of the CA it replaces, and issuer and
   * serial must name one certificate (RFC 5280; NSS refuses two with
   * `SEC_ERROR_REUSED_ISSUER_AND_SERIAL`): so the new CA's own serial and every serial it hands out
   * are taken from here, above the old CA's own and those of every certificate it issued.
   *
   * @param seen - the serial numbers already used under the issuer name
   * @throws SftunnelCaError `SERIAL_EXHAUSTED` when the largest is the largest serial there is
   * @example
   * ```ts
   * const serials = SerialNumberSequence.above([oldCa.serialNumber, ...issued.map((c) => c.serialNumber)]);
   * ```
   */
  static above(seen: Iterable<bigint>): SerialNumberSequence {
    let highest = 0n;
    for (const serial of seen) if (serial > highest) highest = serial;
    if (highest >= MAX_SERIAL) {
      throw new SftunnelCaError('SERIAL_EXHAUSTED', `serial ${highest} is already the largest of 20 octets: no serial is left above it under this issuer name`);
    }
    return new SerialNumberSequence(highest + 1n);
  }

  /** The serial {@link SerialNumberSequence.take} hands out next. */
  get next(): bigint {
    return this.#next;
  }

  /** Hands out the next serial number. */
  take(): bigint {
    const serial = this.#next;
    if (serial > MAX_SERIAL) {
      throw new SftunnelCaError('SERIAL_EXHAUSTED', 'the serial number sequence is exhausted (20 octets)');
    }
    this.#next = serial + 1n;
    return serial;
  }

  /** The state to persist: the next serial, as a decimal string. */
  toJSON(): string {
    return this.#next.toString();
  }
}

/**
 * A serial number as the even-length hexadecimal string @peculiar/x509 expects (a leading `00` is
 * added where the high bit is set, so the DER INTEGER stays positive).
 *
 * @param serial - a positive integer
 */
export function serialToHex(serial: bigint): string {
  let hex = serial.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return hex;
}
