import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** An FMC release as `show version` prints it: `7.2.5`, `7.2.5.1`, `7.4.2-172`. */
export interface FmcVersion {
  /** The version as written (trimmed). */
  readonly text: string;
  /** First number (`7`). */
  readonly major: number;
  /** Second number (`2` in `7.2.5`). */
  readonly minor: number;
  /** Third number; 0 when absent (`7.2`). */
  readonly maintenance: number;
  /** Fourth number (patch or hotfix, `7.2.5.1`, `7.2.9.99`); 0 when absent. */
  readonly patch: number;
  /** Build number after `-` (`7.4.2-172`), when given. */
  readonly build: number | undefined;
}

const VERSION = /^v?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?:-(\d{1,9}))?$/i;

/**
 * Reads an FMC version.
 *
 * @param text - e.g. `7.2.5`, `7.2.5.1`, `7.4.2-172` (surrounding spaces and a leading `v` are accepted)
 * @throws SftunnelCaError `VERSION_INVALID` for anything else
 *
 * @example
 * ```ts
 * parseFmcVersion('7.4.2-172'); // { major: 7, minor: 4, maintenance: 2, patch: 0, build: 172, … }
 * ```
 */
export function parseFmcVersion(text: string): FmcVersion {
  const trimmed = text.trim();
  const match = VERSION.exec(trimmed);
  if (match === null) {
    throw new SftunnelCaError('VERSION_INVALID', `${JSON.stringify(trimmed.slice(0, 40))} is not an FMC version such as 7.2.5, 7.2.5.1 or 7.4.2-172`, { step: 'parse' });
  }
  const number = (index: number): number | undefined => (match[index] === undefined ? undefined : Number(match[index]));
  return Object.freeze({
    text: trimmed,
    major: number(1) ?? 0,
    minor: number(2) ?? 0,
    maintenance: number(3) ?? 0,
    patch: number(4) ?? 0,
    build: number(5),
  });
}

/**
 * Orders two versions by major, minor, maintenance, patch and build (an absent build sorts first).
 *
 * @returns a negative number, 0 or a positive number, as for `Array.prototype.sort`
 *
 * @example
 * ```ts
 * ['7.4.1', '7.2.5.1', '7.2.5'].map(parseFmcVersion).sort(compareFmcVersions); // 7.2.5, 7.2.5.1, 7.4.1
 * ```
 */
export function compareFmcVersions(a: FmcVersion, b: FmcVersion): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.maintenance - b.maintenance ||
    a.patch - b.patch ||
    (a.build ?? -1) - (b.build ?? -1)
  );
}
