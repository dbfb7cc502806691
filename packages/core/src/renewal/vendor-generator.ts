import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { fixedHotfixFor, type FixedHotfixVerdict } from '../hotfix/fixed-hotfix.js';
import { DEFAULT_FMC_VERSION_FILES, versionIn } from '../preflight/fmc-version-probe.js';
import type { FmcPreflightProbe } from '../preflight/preflight-probe.js';

/** The vendor's generator: the script the fixed hotfixes install on the FMC (on root's `PATH`). */
export const GENERATE_CERTS_SCRIPT = 'generate_certs.pl';

/**
 * What makes the new InternalCA and certificates:
 * - `own`: sftunnel-ca generates them from the live files as templates and stages them before
 *   anything changes (the default, and the only choice on an FMC without the fixed hotfix);
 * - `vendor`: the FMC's own `generate_certs.pl` renews them in place (it knows the FMC's internals,
 *   such as where the CA key is kept) and pushes where tunnels are up; sftunnel-ca backs up first,
 *   then adopts its set and delivers, verifies and journals as for its own.
 */
export type RenewalGenerator = 'own' | 'vendor';

/** What {@link probeVendorGenerator} found on an FMC. Nothing secret. */
export interface VendorGeneratorProbe {
  /** Where root's shell on the FMC finds generate_certs.pl (`command -v`); `undefined` when it does not. */
  readonly scriptPath: string | undefined;
  /** The FMC's version as its version file states it; `undefined` when none could be read. */
  readonly version: string | undefined;
  /** The vendor's fixed-hotfix facts for that version ({@link fixedHotfixFor}); `undefined` without a version. */
  readonly hotfix: FixedHotfixVerdict | undefined;
}

/** Options of {@link probeVendorGenerator}. */
export interface ProbeVendorGeneratorOptions {
  /** Files that hold the FMC's version, tried in order; default `/etc/sf/sw_version`, then `/etc/sf/ims.conf`. */
  readonly versionFiles?: readonly string[];
  /** Cancels the probe. */
  readonly signal?: AbortSignal;
}

const decoder = new TextDecoder();

/**
 * Looks for the vendor's generator on an FMC, changing nothing: `command -v generate_certs.pl` in
 * root's shell, and the FMC's version (for the fixed hotfix that brings the script, or the fact
 * that its release line has none).
 *
 * @param fmc - the FMC, as root
 * @param options - where the version is read, a signal
 *
 * @example
 * ```ts
 * const choice = chooseRenewalGenerator(await probeVendorGenerator(fmc));
 * console.log(formatRenewalGeneratorChoice(choice)); // generator: own (default); the vendor's generate_certs.pl is present …
 * ```
 */
export async function probeVendorGenerator(fmc: Host, options: ProbeVendorGeneratorOptions = {}): Promise<VendorGeneratorProbe> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const found = await fmc.run(`command -v ${GENERATE_CERTS_SCRIPT}`, signal);
  const scriptPath = found.code === 0 ? found.stdout.split('\n').map((line) => line.trim()).find((line) => line.endsWith(GENERATE_CERTS_SCRIPT)) : undefined;
  let version: string | undefined;
  for (const file of options.versionFiles ?? DEFAULT_FMC_VERSION_FILES) {
    try {
      version = versionIn(decoder.decode(await fmc.readFile(file, signal)));
    } catch (error) {
      if (!isSftunnelCaError(error, 'FILE_NOT_FOUND')) throw error;
    }
    if (version !== undefined) break;
  }
  return { scriptPath, version, hotfix: version === undefined ? undefined : hotfixOf(version) };
}

/** The fixed-hotfix facts of a version; `undefined` for a version the table cannot read. */
function hotfixOf(version: string): FixedHotfixVerdict | undefined {
  try {
    return fixedHotfixFor(version);
  } catch (error) {
    if (isSftunnelCaError(error, 'VERSION_INVALID')) return undefined;
    throw error;
  }
}

/** Which generator a renewal uses, and why: what `plan` and `renew` print. */
export interface RenewalGeneratorChoice {
  /** The generator the renewal uses; `undefined` when the one asked for is not available (the run is refused). */
  readonly generator: RenewalGenerator | undefined;
  /** The generator asked for; `undefined` for the default. */
  readonly requested: RenewalGenerator | undefined;
  /** Whether the FMC has the fixed generate_certs.pl. */
  readonly vendorAvailable: boolean;
  /** Why, in one sentence that starts with the generator (e.g. `own (default); …`). */
  readonly reason: string;
  /** How to get the vendor's generator when it is not available: the hotfix to install, or why there is none. */
  readonly remedy: string | undefined;
  /** What was found on the FMC. */
  readonly probe: VendorGeneratorProbe;
}

/**
 * Chooses the generator of a renewal from what the FMC has: sftunnel-ca's own unless the vendor's
 * is asked for. The vendor's is available when root's shell finds generate_certs.pl and the FMC's
 * release line has a fixed hotfix (7.1.x and 6.x have none: a script found there is not the fixed
 * one). Asked for where it is not available, the choice is refused (`generator` undefined) with the
 * hotfix to install. Pure.
 *
 * @param probe - from {@link probeVendorGenerator}
 * @param requested - the generator asked for; default none (own)
 *
 * @example
 * ```ts
 * const choice = chooseRenewalGenerator(await probeVendorGenerator(fmc), 'vendor');
 * if (choice.generator === undefined) throw new Error(`${choice.reason}: ${choice.remedy}`);
 * ```
 */
export function chooseRenewalGenerator(probe: VendorGeneratorProbe, requested?: RenewalGenerator): RenewalGeneratorChoice {
  const absent = whyNotAvailable(probe);
  const vendorAvailable = absent === undefined;
  const present = `the vendor's ${GENERATE_CERTS_SCRIPT} is present (${probe.scriptPath ?? ''})`;
  const choice = (generator: RenewalGenerator | undefined, reason: string, remedy?: string): RenewalGeneratorChoice =>
    Object.freeze({ generator, requested, vendorAvailable, reason, remedy, probe });
  if (requested === 'vendor') {
    return absent === undefined
      ? choice('vendor', `vendor (asked): ${probe.scriptPath ?? GENERATE_CERTS_SCRIPT} renews the InternalCA and every certificate on the FMC and pushes where tunnels are up; sftunnel-ca backs up first, then adopts its set and delivers, verifies and journals`)
      : choice(undefined, `vendor refused: ${absent}`, remedyFor(probe));
  }
  if (requested === 'own') return choice('own', `own (asked); ${absent ?? present}`);
  return absent === undefined ? choice('own', `own (default); ${present}: --generator vendor uses it`) : choice('own', `own: ${absent}`);
}

/** Why the vendor's generator cannot be used on this FMC; `undefined` when it can. */
function whyNotAvailable(probe: VendorGeneratorProbe): string | undefined {
  const { hotfix, scriptPath } = probe;
  const version = probe.version ?? 'version unknown';
  const line = hotfix === undefined ? undefined : hotfix.version.major === 7 ? `${hotfix.version.major}.${hotfix.version.minor}.x` : `${hotfix.version.major}.x`;
  if (scriptPath !== undefined) {
    return hotfix?.kind === 'no-hotfix' ? `${version}: ${line ?? ''} has no fixed hotfix, so the ${GENERATE_CERTS_SCRIPT} found at ${scriptPath} is not the fixed one` : undefined;
  }
  const notFound = `${GENERATE_CERTS_SCRIPT} not found on the FMC`;
  switch (hotfix?.kind) {
    case undefined:
      return `${notFound} (its version could not be read to name the hotfix that brings it)`;
    case 'apply-hotfix':
      return `${notFound} (${version}: install hotfix ${hotfix.hotfix ?? ''} to get it)`;
    case 'no-hotfix':
      return `${notFound} (${version}: ${line ?? ''} has no fixed hotfix)`;
    case 'hotfix-installed':
      return `${notFound} although ${version} includes the fixed hotfix ${hotfix.hotfix ?? ''}: check root's PATH`;
    case 'not-affected':
      return `${notFound} (${version} is later than the releases the fixed hotfixes cover)`;
    case 'unknown':
      return `${notFound} (no fixed hotfix is listed for ${version})`;
  }
}

function remedyFor(probe: VendorGeneratorProbe): string {
  const own = `renew with sftunnel-ca's own generator (--generator own, the default), which needs no script on the FMC`;
  return probe.hotfix?.kind === 'apply-hotfix' ? `install hotfix ${probe.hotfix.hotfix ?? ''} (no FMC reboot needed) to get ${GENERATE_CERTS_SCRIPT}, or ${own}` : own;
}

/**
 * The choice as one line for a terminal or a change ticket (`generator: …`), with what to do when
 * it is refused.
 *
 * @param choice - from {@link chooseRenewalGenerator}
 *
 * @example
 * ```ts
 * process.stderr.write(`${formatRenewalGeneratorChoice(chooseRenewalGenerator(await probeVendorGenerator(fmc)))}\n`);
 * ```
 */
export function formatRenewalGeneratorChoice(choice: RenewalGeneratorChoice): string {
  return `generator: ${choice.reason}${choice.generator === undefined && choice.remedy !== undefined ? `\n  what to do: ${choice.remedy}` : ''}`;
}

/**
 * `generator`: a preflight probe that reports a {@link RenewalGeneratorChoice}: `pass` with the
 * reason, `fail` (`VENDOR_GENERATOR_UNAVAILABLE`, with the hotfix to install) when the vendor's
 * generator was asked for on an FMC that does not have it. Looks at nothing itself: the choice was
 * made from {@link probeVendorGenerator}.
 *
 * @param choice - from {@link chooseRenewalGenerator}
 *
 * @example
 * ```ts
 * const choice = chooseRenewalGenerator(await probeVendorGenerator(fmc), 'vendor');
 * const report = await preflightRenewal(fmc, inspection, plan, { connect, now, probes: [...defaultPreflightProbes(), renewalGeneratorProbe(choice)] });
 * ```
 */
export function renewalGeneratorProbe(choice: RenewalGeneratorChoice): FmcPreflightProbe {
  return {
    name: 'generator',
    scope: 'fmc',
    run: () =>
      Promise.resolve(
        choice.generator === undefined
          ? { verdict: 'fail', message: choice.reason, remedy: choice.remedy ?? 'renew with the own generator', cause: 'VENDOR_GENERATOR_UNAVAILABLE' }
          : { verdict: 'pass', message: choice.reason },
      ),
  };
}
