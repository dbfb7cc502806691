/**
 * The staging record: what a prepared renewal is (`PreparedRenewal`, the content of the staging
 * directory's `manifest.json`), how it is read back, checked against the FMC and written.
 * Generating one is `prepare.ts`'s; finding what an interrupted preparation left is
 * `partial-preparation.ts`'s.
 */
import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { isUuid } from '../identity/uuid.js';
import { EXPIRY_VERDICT_KINDS } from '../pki/expiry-verdict.js';
import type { CertificateSummary } from './certificate-summary.js';
import type { FmcInspection } from './inspect.js';
import type { RenewalPlan } from './plan.js';
import { remoteDigests } from '../host/remote-digest.js';
import { stagedFmcFiles } from './staging-layout.js';

/** A staged file: where, and the sha256 of its content. */
export interface StagedFile {
  /** Its path on the FMC. */
  readonly path: string;
  /** sha256 of its content, lowercase hex. */
  readonly sha256: string;
}

/** A staged certificate: the file and what it holds. */
export interface StagedCertificate extends StagedFile {
  /** The certificate's summary. */
  readonly certificate: CertificateSummary;
}

/**
 * A renewal prepared on the FMC: where its files are staged and their hashes and fingerprints. It
 * is the content of the staging directory's `manifest.json`, holds no secret, and is what
 * {@link deliverRenewal} and the journal refer to.
 */
export interface PreparedRenewal {
  /** The format's version. */
  readonly version: 1;
  /** The FMC's UUID. */
  readonly fmcUuid: string;
  /** The staging directory on the FMC. */
  readonly stagingDirectory: string;
  /** When it was prepared, ISO 8601. */
  readonly preparedAt: string;
  /** What it was prepared from: a prepared set is valid only while these still hold. */
  readonly basedOn: {
    /** The InternalCA it replaces. */
    readonly caFingerprintSha256: string;
    /** Every device the FMC knew, by UUID, sorted (a device added or removed since makes it stale). */
    readonly deviceUuids: readonly string[];
  };
  /** The new InternalCA. */
  readonly ca: StagedCertificate;
  /** The new InternalCA's key (mode 0600 on the FMC). */
  readonly caKey: StagedFile;
  /** The new CRL. */
  readonly crl: StagedFile;
  /** The FMC's new certificate and key. */
  readonly fmc: { readonly certificate: StagedCertificate; readonly key: StagedFile };
  /** Each device's new certificate and key, in plan order. */
  readonly devices: readonly { readonly uuid: string; readonly certificate: StagedCertificate; readonly key: StagedFile }[];
}

type Fields = Record<string, unknown>;

const SHA256 = /^[0-9a-f]{64}$/;
const VERDICTS: ReadonlySet<unknown> = new Set(EXPIRY_VERDICT_KINDS);

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isSha256 = (value: unknown): boolean => isText(value) && SHA256.test(value);
const isUuidText = (value: unknown): boolean => isText(value) && isUuid(value);
/** An absolute path written the one way (normalised, no trailing slash). */
const isCanonicalPath = (value: unknown): value is string => isText(value) && value.startsWith('/') && value.length > 1 && posix.normalize(value) === value && !value.endsWith('/');

/** A staged file: a canonical path inside the staging directory, and a sha256. */
function isStagedFile(value: unknown, stagingDirectory: string): boolean {
  return isRecord(value) && isCanonicalPath(value['path']) && value['path'].startsWith(`${stagingDirectory}/`) && isSha256(value['sha256']);
}

function isStagedCertificate(value: unknown, stagingDirectory: string): boolean {
  if (!isStagedFile(value, stagingDirectory) || !isRecord((value as Fields)['certificate'])) return false;
  const summary = (value as { certificate: Fields }).certificate;
  return isSha256(summary['fingerprintSha256']) && isText(summary['serial']) && isText(summary['notAfter']) && VERDICTS.has(summary['verdict']) && Number.isFinite(summary['days']);
}

function isPreparedRenewal(value: unknown): value is PreparedRenewal {
  if (!isRecord(value) || value['version'] !== 1 || !isUuidText(value['fmcUuid']) || !isText(value['preparedAt'])) return false;
  const dir = value['stagingDirectory'];
  if (!isCanonicalPath(dir)) return false;
  const { basedOn, fmc, devices } = value;
  return (
    isRecord(basedOn) &&
    isSha256(basedOn['caFingerprintSha256']) &&
    Array.isArray(basedOn['deviceUuids']) &&
    basedOn['deviceUuids'].every(isUuidText) &&
    isStagedCertificate(value['ca'], dir) &&
    isStagedFile(value['caKey'], dir) &&
    isStagedFile(value['crl'], dir) &&
    isRecord(fmc) &&
    isStagedCertificate(fmc['certificate'], dir) &&
    isStagedFile(fmc['key'], dir) &&
    Array.isArray(devices) &&
    devices.every((device) => isRecord(device) && isUuidText(device['uuid']) && isStagedCertificate(device['certificate'], dir) && isStagedFile(device['key'], dir))
  );
}

/**
 * Reads the text of a staging directory's `manifest.json` (what {@link prepareRenewal} wrote):
 * every field a resumed run or a delivery reads is there with its type, every hash is a sha256
 * and every UUID a UUID, and every staged file lies inside the staging directory, so a damaged or altered manifest can
 * neither crash a run nor point it at files elsewhere on the FMC.
 *
 * @param text - the manifest's content
 * @param where - the FMC and the manifest's path, for errors
 * @throws SftunnelCaError `RENEWAL_STAGING_CORRUPT`
 *
 * @example
 * ```ts
 * const prepared = parsePreparedManifest(await readFile('manifest.json', 'utf8'), { host: 'fmc', file: 'manifest.json' });
 * ```
 */
export function parsePreparedManifest(text: string, where: { readonly host: string; readonly file: string }): PreparedRenewal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SftunnelCaError('RENEWAL_STAGING_CORRUPT', `${where.file} is not JSON`, { host: where.host, step: 'prepare', file: where.file, cause });
  }
  if (!isPreparedRenewal(parsed)) {
    throw new SftunnelCaError('RENEWAL_STAGING_CORRUPT', `${where.file} is not a renewal manifest: a field is missing or of the wrong type, or a staged file lies outside its staging directory`, {
      host: where.host,
      step: 'prepare',
      file: where.file,
    });
  }
  return parsed;
}

/**
 * Loads a prepared renewal from its staging directory on the FMC and checks that it still
 * applies: the InternalCA it replaces is still the live one (or it is the new one already, when a
 * run that switched the FMC is resumed), the devices are the same, and every staged file has the
 * sha256 recorded.
 *
 * @param fmc - the FMC, as root
 * @param inspection - the FMC now
 * @param stagingDirectory - e.g. `/var/tmp/certs/1767225600`
 * @throws SftunnelCaError `RENEWAL_PREPARED_STALE`, `RENEWAL_STAGING_CORRUPT`
 *
 * @example
 * ```ts
 * const prepared = await loadPreparedRenewal(fmc, await inspectFmc(fmc, { now }), '/var/tmp/certs/1767225600');
 * ```
 */
export async function loadPreparedRenewal(fmc: Host, inspection: FmcInspection, stagingDirectory: string): Promise<PreparedRenewal> {
  const manifestPath = stagedFmcFiles(stagingDirectory, inspection.layout).manifest;
  let text: string;
  try {
    text = new TextDecoder().decode(await fmc.readFile(manifestPath));
  } catch (cause) {
    throw new SftunnelCaError('RENEWAL_STAGING_CORRUPT', `${manifestPath} cannot be read as a renewal manifest`, { host: fmc.name, step: 'prepare', file: manifestPath, cause });
  }
  const prepared = parsePreparedManifest(text, { host: fmc.name, file: manifestPath });
  if (prepared.fmcUuid !== inspection.fmcUuid || prepared.stagingDirectory !== stagingDirectory) {
    throw new SftunnelCaError('RENEWAL_PREPARED_STALE', `${manifestPath} was prepared for another FMC or directory`, { host: fmc.name, step: 'prepare', file: manifestPath });
  }
  const present = inspectionBasis(inspection);
  const switched = present.caFingerprintSha256 === prepared.ca.certificate.fingerprintSha256;
  const current = switched ? { ...present, caFingerprintSha256: prepared.basedOn.caFingerprintSha256 } : present;
  assertBasisMatches(prepared.basedOn, current, fmc.name, stagingDirectory);
  await verifyStaged(fmc, prepared);
  return prepared;
}

/**
 * Records a complete preparation: checks every staged file on the FMC against the record, then
 * writes `manifest.json` last (atomically), so a manifest exists only for a whole, checked set.
 *
 * @throws SftunnelCaError `RENEWAL_STAGING_CORRUPT` when a staged file does not read back as recorded
 */
export async function recordPreparedRenewal(fmc: Host, inspection: FmcInspection, prepared: PreparedRenewal): Promise<void> {
  await verifyStaged(fmc, prepared);
  await fmc.writeFileAtomic(stagedFmcFiles(prepared.stagingDirectory, inspection.layout).manifest, `${JSON.stringify(prepared, null, 2)}\n`, { mode: 0o644 });
}

/** What a prepared set was made from: it applies only while these still hold. */
export type PreparationBasis = PreparedRenewal['basedOn'];

/** The basis a plan was made on. */
export function planBasis(plan: RenewalPlan): PreparationBasis {
  return { caFingerprintSha256: plan.fmc.ca.fingerprintSha256, deviceUuids: plan.fmc.deviceUuids };
}

function inspectionBasis(inspection: FmcInspection): PreparationBasis {
  return { caFingerprintSha256: inspection.ca.certificate.fingerprintSha256, deviceUuids: inspection.devices.map((d) => d.uuid).sort() };
}

/**
 * Refuses a plan made on another FMC state than the one inspected now.
 *
 * @throws SftunnelCaError `RENEWAL_PREPARED_STALE` naming what changed (the InternalCA, devices added or removed)
 */
export function assertPlanStillApplies(plan: RenewalPlan, inspection: FmcInspection, host: string): void {
  assertBasisMatches(planBasis(plan), inspectionBasis(inspection), host, plan.stagingDirectory);
}

function assertBasisMatches(expected: PreparationBasis, actual: PreparationBasis, host: string, stagingDirectory: string): void {
  if (expected.caFingerprintSha256 !== actual.caFingerprintSha256) {
    throw new SftunnelCaError(
      'RENEWAL_PREPARED_STALE',
      `the InternalCA changed since ${stagingDirectory} was planned (${expected.caFingerprintSha256.slice(0, 16)}… then, ${actual.caFingerprintSha256.slice(0, 16)}… now)`,
      { host, step: 'prepare' },
    );
  }
  const before = new Set(expected.deviceUuids);
  const after = new Set(actual.deviceUuids);
  const added = [...after].filter((u) => !before.has(u));
  const removed = [...before].filter((u) => !after.has(u));
  if (added.length > 0 || removed.length > 0) {
    throw new SftunnelCaError(
      'RENEWAL_PREPARED_STALE',
      `the devices changed since ${stagingDirectory} was planned (${added.length} added, ${removed.length} removed${removed.length > 0 ? `: ${removed.join(', ')}` : ''})`,
      { host, step: 'prepare' },
    );
  }
}

/** The staged files of a prepared renewal, FMC-wide first. */
function stagedFilesOf(prepared: PreparedRenewal): StagedFile[] {
  return [prepared.ca, prepared.caKey, prepared.crl, prepared.fmc.certificate, prepared.fmc.key, ...prepared.devices.flatMap((d) => [d.certificate, d.key])];
}

/** Reads back every staged file's sha256 and mode on the FMC (keys must be 0600), in a few commands. */
async function verifyStaged(fmc: Host, prepared: PreparedRenewal): Promise<void> {
  const keys = new Set([prepared.caKey.path, prepared.fmc.key.path, ...prepared.devices.map((d) => d.key.path)]);
  const files = stagedFilesOf(prepared);
  const digests = await remoteDigests(fmc, files.map((f) => f.path), 'prepare');
  for (const file of files) {
    const found = digests.get(file.path);
    const problem =
      found === undefined ? 'is missing from the staging directory'
      : found.sha256 !== file.sha256 ? `has sha256 ${found.sha256}, not ${file.sha256} as prepared`
      : keys.has(file.path) && (found.mode & 0o077) !== 0 ? `is a private key with mode ${found.mode.toString(8)}, not 600`
      : undefined;
    if (problem !== undefined) throw new SftunnelCaError('RENEWAL_STAGING_CORRUPT', `${file.path} ${problem}`, { host: fmc.name, step: 'prepare', file: file.path });
  }
}
