import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { fixedHotfixFor, type FixedHotfixKind } from '../hotfix/fixed-hotfix.js';
import type { FmcPreflightProbe, PreflightVerdict } from './preflight-probe.js';

/** Options of {@link fmcVersionProbe}. */
export interface FmcVersionProbeOptions {
  /**
   * Files that hold the FMC's version, tried in order: a file with the version alone, or a
   * `KEY=value` file with a `SWVERSION=` line (and `SWBUILD=`). Default `/etc/sf/sw_version`,
   * then `/etc/sf/ims.conf`.
   */
  readonly versionFiles?: readonly string[];
}

const VERDICTS: Readonly<Record<FixedHotfixKind, PreflightVerdict>> = {
  'hotfix-installed': 'pass',
  'not-affected': 'pass',
  'apply-hotfix': 'warn',
  'no-hotfix': 'warn',
  unknown: 'warn',
};

const decoder = new TextDecoder();

/** Where the FMC states its version, tried in order: the version alone, or `SWVERSION=` (with `SWBUILD=`). */
export const DEFAULT_FMC_VERSION_FILES: readonly string[] = ['/etc/sf/sw_version', '/etc/sf/ims.conf'];

/**
 * `fmc-version`: reads the FMC's version and gives the vendor's hotfix advice for it
 * ({@link fixedHotfixFor}). Never `fail`: sftunnel-ca renews without the vendor's scripts, but an
 * FMC without the fixed hotfix lacks its expiry warnings and scripts, so it warns.
 *
 * @param options - where the version is read
 *
 * @example
 * ```ts
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [fmcVersionProbe({ versionFiles: ['/etc/sf/sw_version'] })] });
 * ```
 */
export function fmcVersionProbe(options: FmcVersionProbeOptions = {}): FmcPreflightProbe {
  const files = options.versionFiles ?? DEFAULT_FMC_VERSION_FILES;
  return {
    name: 'fmc-version',
    scope: 'fmc',
    async run({ fmc, signal }) {
      for (const file of files) {
        let text: string;
        try {
          text = decoder.decode(await fmc.readFile(file, { signal }));
        } catch (error) {
          if (isSftunnelCaError(error, 'FILE_NOT_FOUND')) continue;
          throw error;
        }
        const version = versionIn(text);
        if (version === undefined) continue;
        const advice = fixedHotfixFor(version);
        const verdict = VERDICTS[advice.kind];
        return { verdict, message: `FMC version ${advice.version.text}: ${advice.message}`, ...(verdict === 'pass' ? {} : { remedy: advice.message }) };
      }
      return {
        verdict: 'warn',
        message: `the FMC's version could not be read from ${files.join(' or ')}`,
        remedy: 'check the version (`show version`) against the vendor’s fixed hotfixes: 7.0.6.99-9, 7.2.9.99-4, 7.3.1.99-4, 7.4.2.99-5, 7.6.0.99-5',
      };
    },
  };
}

/** The version a file states: its first line, or its `SWVERSION=` (with `SWBUILD=`) lines. */
export function versionIn(text: string): string | undefined {
  const variables = new Map([...text.matchAll(/^(\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim().replace(/^"|"$/g, '')]));
  const declared = variables.get('SWVERSION');
  if (declared !== undefined) return variables.has('SWBUILD') ? `${declared}-${variables.get('SWBUILD') ?? ''}` : declared;
  const first = text.split('\n')[0]?.trim() ?? '';
  return /^v?\d+\.\d+(\.\d+){0,2}(-\d+)?$/i.test(first) ? first : undefined;
}
