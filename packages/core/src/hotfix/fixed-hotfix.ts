import { compareFmcVersions, parseFmcVersion, type FmcVersion } from './fmc-version.js';

/**
 * What to do on an FMC release to get the vendor's renewal scripts:
 * - `apply-hotfix`: install {@link FixedHotfixVerdict.hotfix} (no reboot needed), then run generate_certs.pl;
 * - `hotfix-installed`: the version is already the fixed hotfix or later within its line;
 * - `no-hotfix`: the release line has no fixed hotfix (7.1.x, 6.x): use the copy or manual method;
 * - `not-affected`: released after the affected range 6.2.3–7.6.0;
 * - `unknown`: no hotfix is listed for this release; check the vendor's release notes.
 */
export type FixedHotfixKind = 'apply-hotfix' | 'hotfix-installed' | 'no-hotfix' | 'not-affected' | 'unknown';

/** The verdict of {@link fixedHotfixFor}. */
export interface FixedHotfixVerdict {
  /** What to do, in one word. */
  readonly kind: FixedHotfixKind;
  /** The version asked about. */
  readonly version: FmcVersion;
  /** The fixed hotfix of the release line (e.g. `7.2.9.99-4`), when there is one. */
  readonly hotfix: string | undefined;
  /** One sentence for the operator. */
  readonly message: string;
}

/** A release line's major, minor and maintenance numbers. */
type Release = readonly [major: number, minor: number, maintenance: number];

interface HotfixLine {
  readonly from: Release;
  readonly through: Release;
  readonly hotfix: FmcVersion;
}

/** The vendor's table of fixed hotfixes (domain.md, "The vendor's procedure"). */
const HOTFIX_LINES: readonly HotfixLine[] = [
  { from: [7, 0, 0], through: [7, 0, 6], hotfix: parseFmcVersion('7.0.6.99-9') },
  { from: [7, 2, 0], through: [7, 2, 9], hotfix: parseFmcVersion('7.2.9.99-4') },
  { from: [7, 3, 0], through: [7, 3, Infinity], hotfix: parseFmcVersion('7.3.1.99-4') },
  { from: [7, 4, 0], through: [7, 4, 2], hotfix: parseFmcVersion('7.4.2.99-5') },
  { from: [7, 6, 0], through: [7, 6, 0], hotfix: parseFmcVersion('7.6.0.99-5') },
];

const FIRST_AFFECTED: Release = [6, 2, 3];
const LAST_AFFECTED: Release = [7, 6, 0];
const COPY_OR_MANUAL = 'use the copy or manual method to deliver the renewed files';

/**
 * The fixed hotfix that brings the vendor's renewal scripts to an FMC release.
 *
 * @param version - the FMC's version, as text (`7.2.5`, `7.2.5.1`, `7.4.2-172`) or parsed
 * @throws SftunnelCaError `VERSION_INVALID` when the text is not a version
 *
 * @example
 * ```ts
 * fixedHotfixFor('7.2.5').hotfix; // '7.2.9.99-4'
 * fixedHotfixFor('7.1.0').message; // 'no fixed hotfix: 7.1.x is end of maintenance; use the copy or manual method …'
 * ```
 */
export function fixedHotfixFor(version: string | FmcVersion): FixedHotfixVerdict {
  const asked = typeof version === 'string' ? parseFmcVersion(version) : version;
  const verdict = (kind: FixedHotfixKind, message: string, hotfix?: FmcVersion): FixedHotfixVerdict =>
    Object.freeze({ kind, version: asked, hotfix: hotfix?.text, message });

  const found = HOTFIX_LINES.find((l) => compareRelease(asked, l.from) >= 0 && compareRelease(asked, l.through) <= 0);
  if (found !== undefined) {
    return compareFmcVersions(asked, found.hotfix) >= 0
      ? verdict('hotfix-installed', `${asked.text} already includes the fixed hotfix ${found.hotfix.text}: run generate_certs.pl`, found.hotfix)
      : verdict('apply-hotfix', `install hotfix ${found.hotfix.text} (no FMC reboot needed), then run generate_certs.pl`, found.hotfix);
  }
  if (asked.major === 7 && asked.minor === 1) {
    return verdict('no-hotfix', `no fixed hotfix: 7.1.x is end of maintenance; ${COPY_OR_MANUAL}`);
  }
  if (compareRelease(asked, LAST_AFFECTED) > 0) {
    return verdict('not-affected', `${asked.text} is later than the affected releases 6.2.3–7.6.0; check the InternalCA's expiry all the same`);
  }
  if (compareRelease(asked, FIRST_AFFECTED) >= 0 && asked.major < 7) {
    return verdict('no-hotfix', `no fixed hotfix: ${asked.major}.x is out of support; ${COPY_OR_MANUAL}`);
  }
  return verdict('unknown', `no fixed hotfix is listed for ${asked.text}; check the vendor's release notes, or ${COPY_OR_MANUAL}`);
}

function compareRelease(version: FmcVersion, release: Release): number {
  return version.major - release[0] || version.minor - release[1] || version.maintenance - release[2];
}
