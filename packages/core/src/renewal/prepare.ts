import { posix } from 'node:path';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import type { ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { createCertificateRevocationList } from '../pki/certificate-revocation-list.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import { nativeCrypto, type CryptoProvider } from '../pki/crypto-provider.js';
import { InternalCA } from '../pki/internal-ca.js';
import { renewInternalCA } from '../pki/internal-ca-generator.js';
import { assertKeyMatchesCertificate } from '../pki/key-certificate-match.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../pki/rsa-key.js';
import { SerialNumberSequence } from '../pki/serial-number-sequence.js';
import { hashToKeep } from '../pki/signature-hash.js';
import { reissueSftunnelCertificate, type IssuedCertificate } from '../pki/sftunnel-certificate.js';
import { runBounded } from './bounded-run.js';
import { parsePreparedManifest } from './prepared-manifest.js';
import { GroupedFileWriter } from './grouped-file-writer.js';
import { makePrivateDirectories } from './private-directory.js';
import { sha256 } from './sha256.js';
import { summarizeCertificate, type CertificateSummary } from './certificate-summary.js';
import type { FmcInspection } from './inspect.js';
import type { RenewalPlan } from './plan.js';
import type { RenewalReporter } from './renewal-event.js';
import { queuedHost } from './queued-host.js';
import { remoteDigests } from './remote-digest.js';
import { stagedDeviceFiles, stagedFmcFiles, type StagedFmcFiles } from './staging-layout.js';
import { preparedSource, readStagedFile, readStagedPair, type DeliverySource, type DevicePair } from './delivery-source.js';
import { RunTimeline } from './run-timeline.js';

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

/** Options of {@link prepareRenewal}. */
export interface PrepareRenewalOptions {
  /** The current time: validity of the new certificates, verdicts. */
  readonly now: Date;
  /** Keys generated at once; default 16 (native WebCrypto runs them on the thread pool). */
  readonly keyConcurrency?: number;
  /** Receives `prepare:progress` events. */
  readonly onEvent?: RenewalReporter;
  /** The WebCrypto provider; default native. */
  readonly crypto?: CryptoProvider;
  /** Operations on the FMC at once; default 1 (one appliance serves the whole fleet: its commands are queued; the lab runs one mutating command at a time). */
  readonly fmcConcurrency?: number;
  /**
   * How far the new certificates' notBefore and the CRL's lastUpdate are set before `now`, in ms,
   * so that appliances whose clocks lag by up to this accept them; default one day. Give the
   * preflight the same value (`PreflightRenewalOptions.backdateMs`).
   */
  readonly backdateMs?: number;
}

/**
 * Prepares a renewal ahead of the change window, changing nothing live: generates the new
 * InternalCA (from the current one as template), the FMC's certificate, one certificate per planned
 * device (each from its current one) and the CRL; RSA keys are generated concurrently, and each
 * device's pair is staged as soon as it is issued (pairs issued while a write is under way go
 * together in the next command: a few dozen commands for 1,000 devices). Everything is written to the plan's staging
 * directory on the FMC (private keys 0600), checked there (sha256 of every file, each certificate
 * against the new CA, each key against its certificate), and `manifest.json` is written last.
 *
 * Idempotent: when the staging directory already holds a manifest (a run resumed), it is loaded
 * and checked instead; when it holds part of a preparation (a run killed before the manifest), what
 * is staged is kept and only the rest generated. No key is ever generated twice.
 *
 * @param fmcHost - the FMC, as root (its operations are queued, see `fmcConcurrency`)
 * @param inspection - the FMC now, from {@link inspectFmc}
 * @param plan - from {@link planRenewal} for that inspection
 * @param options - the clock, key concurrency, events
 * @throws SftunnelCaError `RENEWAL_PREPARED_STALE` when the plan or an existing staging no longer
 *   matches the FMC; `RENEWAL_STAGING_CORRUPT` when a staged file does not read back as written
 *
 * @example
 * ```ts
 * const prepared = await prepareRenewal(fmc, inspection, plan, { now: new Date() });
 * console.log(prepared.stagingDirectory, prepared.ca.certificate.fingerprintSha256);
 * ```
 */
export async function prepareRenewal(fmcHost: Host, inspection: FmcInspection, plan: RenewalPlan, options: PrepareRenewalOptions): Promise<PreparedRenewal> {
  const fmc = queuedHost(fmcHost, options.fmcConcurrency ?? 1);
  const source = await startPreparation(fmc, inspection, plan, options, new RunTimeline(() => options.now));
  return source.prepared();
}

/** A device pair found staged by an interrupted preparation. */
interface FoundPair {
  readonly certificate: StagedCertificate;
  readonly key: StagedFile;
  readonly parsed: Certificate;
}

/**
 * Starts a preparation and returns once the new InternalCA and the FMC's files are staged; each
 * device's pair is then generated, issued, checked and staged in plan order (keys `keyConcurrency`
 * at a time), and is available from the returned source as soon as it is staged, so that delivery
 * overlaps generation. What an interrupted preparation staged already (no manifest yet) is reused:
 * the CA with its key, the FMC's pair, each complete device pair that the CA verifies.
 *
 * @param fmc - the FMC, queued
 * @param inspection - the FMC now
 * @param plan - the plan
 * @param options - clock, key concurrency, events, crypto
 * @param timeline - records the `generate` and `stage` phases
 */
export async function startPreparation(fmc: Host, inspection: FmcInspection, plan: RenewalPlan, options: PrepareRenewalOptions, timeline: RunTimeline): Promise<DeliverySource> {
  const { layout } = inspection;
  const staged = stagedFmcFiles(plan.stagingDirectory, layout);
  if (await fmc.exists(staged.manifest)) return preparedSource(fmc, await loadPreparedRenewal(fmc, inspection, plan.stagingDirectory));
  assertMatches(planBasis(plan), inspectionBasis(inspection), fmc.name, plan.stagingDirectory);
  const crypto = options.crypto ?? nativeCrypto;
  const { now } = options;
  const backdate = options.backdateMs === undefined ? {} : { backdateMs: options.backdateMs };
  const templates = new Map(inspection.devices.map((d) => [d.uuid, d]));
  const hash = hashToKeep(inspection.ca.certificate.signatureHash); // the hash the new keys sign with: the CA's, SHA-256 at the least
  const total = plan.devices.length + 2;
  let generated = 0;
  const generate = async (modulusLength: number): Promise<RsaKeyPair> => {
    const keys = await generateRsaKeyPair({ modulusLength, hash }, crypto);
    options.onEvent?.({ type: 'prepare:progress', generated: ++generated, total });
    return keys;
  };
  // Files are staged as they are made, grouped into few commands while earlier ones are written (private directories, keys 0600).
  const writer = new GroupedFileWriter(fmc, { step: 'prepare', createPrivateDirectories: true });
  const stageOne = (path: string, content: string, mode: number): Promise<StagedFile> =>
    timeline.span('stage', async () => {
      await writer.write({ path, content, mode });
      return { path, sha256: sha256(content) };
    });
  // A certificate and its key go in the same command: an interruption leaves both staged or neither.
  const stagePair = (certificate: { path: string; content: string }, key: { path: string; content: string }): Promise<[StagedFile, StagedFile]> =>
    timeline.span('stage', async () => {
      await writer.writeTogether([
        { path: certificate.path, content: certificate.content, mode: 0o644 },
        { path: key.path, content: key.content, mode: 0o600 },
      ]);
      return [
        { path: certificate.path, sha256: sha256(certificate.content) },
        { path: key.path, sha256: sha256(key.content) },
      ];
    });
  const found = await findStaged(fmc, plan, layout);
  await makePrivateDirectories(fmc, [staged.directory], 'prepare');

  // ── the CA and the FMC's pair: found staged, or generated now ──
  const resumedCa = found.get(staged.caCertificate);
  const resumedCaKey = found.get(staged.caKey);
  let ca: InternalCA;
  let caFiles: { readonly ca: StagedFile; readonly caKey: StagedFile };
  const devicesFound = new Map<string, FoundPair>();
  if (resumedCa !== undefined && resumedCaKey !== undefined) {
    const { certificate: caPem, key: caKeyPem } = await readStagedPair(fmc, { certificate: resumedCa, key: resumedCaKey });
    const pairs = await foundDevicePairs(fmc, plan, layout, found, now);
    const fmcCertificate = found.get(staged.sftunnelCertificate);
    // Above every serial in use under the CA's name: the old CA's and what it issued (as when generated), the new CA's own and what it staged.
    const serials = [...seenSerials(inspection), Certificate.fromPem(caPem, resumedCa.path).serialNumber, ...[...pairs.values()].map((p) => p.parsed.serialNumber)];
    if (fmcCertificate !== undefined) serials.push(Certificate.fromPem(await readStagedFile(fmc, fmcCertificate), fmcCertificate.path).serialNumber);
    ca = await InternalCA.fromPem(caPem, caKeyPem, { nextSerial: SerialNumberSequence.above(serials).next, certificateSource: resumedCa.path, keySource: resumedCaKey.path }, crypto);
    for (const [uuid, pair] of pairs) {
      await verifyIssuedBy(pair.parsed, ca.certificate, { now, source: pair.certificate.path });
      devicesFound.set(uuid, pair);
    }
    caFiles = { ca: resumedCa, caKey: resumedCaKey };
  } else {
    const caKeys = await timeline.span('generate', () => generate(plan.generate.caKeySize));
    ca = await renewInternalCA({ current: inspection.ca.certificate, issued: issuedByLiveCa(inspection), now, keys: caKeys, ...backdate }, crypto);
    const [caFile, caKeyFile] = await stagePair({ path: staged.caCertificate, content: ca.certificate.pem }, { path: staged.caKey, content: await ca.privateKeyPem(crypto) });
    caFiles = { ca: caFile, caKey: caKeyFile };
  }
  const fmcFound = resumedCa === undefined ? undefined : await foundFmcPair(fmc, staged, found, ca.certificate, now);
  const fmcFiles =
    fmcFound ??
    (await (async () => {
      const issued = await timeline.span('generate', async () =>
        reissueSftunnelCertificate({ ca, current: inspection.fmcCertificate.certificate, now, keys: await generate(plan.generate.fmcKeySize), keyForm: inspection.fmcKeyForm, ...backdate }, crypto),
      );
      await checkIssued(issued, ca.certificate, now, staged.sftunnelCertificate);
      const [certificate, key] = await stagePair({ path: staged.sftunnelCertificate, content: issued.certificate.pem }, { path: staged.sftunnelKey, content: issued.privateKeyPem });
      return { certificate: { ...certificate, certificate: summarizeCertificate(issued.certificate, now) }, key };
    })());
  const crlFound = resumedCa === undefined ? undefined : found.get(staged.caCrl);
  const crlFile = crlFound ?? (await stageOne(staged.caCrl, (await createCertificateRevocationList({ ca, now, ...backdate }, crypto)).pem, 0o644));

  // ── each device's pair, in plan order, available as soon as it is staged ──
  const ready = new Map<string, Deferred<DevicePair>>(plan.devices.map((d) => [d.uuid, deferred<DevicePair>()]));
  const generation = runBounded(plan.devices, options.keyConcurrency ?? 16, async (device) => {
    const waiting = ready.get(device.uuid) as Deferred<DevicePair>;
    try {
      const resumed = devicesFound.get(device.uuid);
      if (resumed !== undefined) {
        waiting.resolve(readStagedPair(fmc, resumed));
        return { uuid: device.uuid, certificate: resumed.certificate, key: resumed.key };
      }
      const template = templates.get(device.uuid);
      if (template === undefined) throw new Error(`unreachable: plan device ${device.uuid} was checked against the inspection`);
      const issued = await timeline.span('generate', async () =>
        reissueSftunnelCertificate({ ca, current: template.pushedCertificate.certificate, now, keys: await generate(device.keySize), keyForm: device.keyForm, ...backdate }, crypto),
      );
      await checkIssued(issued, ca.certificate, now, device.uuid);
      const files = stagedDeviceFiles(plan.stagingDirectory, layout, device.uuid);
      const [certificate, key] = await stagePair({ path: files.sftunnelCertificate, content: issued.certificate.pem }, { path: files.sftunnelKey, content: issued.privateKeyPem });
      waiting.resolve(Promise.resolve({ certificate: issued.certificate.pem, key: issued.privateKeyPem }));
      return { uuid: device.uuid, certificate: { ...certificate, certificate: summarizeCertificate(issued.certificate, now) }, key };
    } catch (error) {
      waiting.reject(error);
      throw error;
    }
  });
  const complete = (async (): Promise<PreparedRenewal> => {
    const outcomes = await generation;
    const prepared: PreparedRenewal = {
      version: 1,
      fmcUuid: inspection.fmcUuid,
      stagingDirectory: plan.stagingDirectory,
      preparedAt: now.toISOString(),
      basedOn: planBasis(plan),
      ca: { ...caFiles.ca, certificate: summarizeCertificate(ca.certificate, now) },
      caKey: caFiles.caKey,
      crl: crlFile,
      fmc: fmcFiles,
      devices: outcomes.map((outcome) => {
        if (!outcome.started) throw new Error('unreachable: every device is prepared');
        return outcome.value;
      }),
    };
    await timeline.span('stage', async () => {
      await verifyStaged(fmc, prepared);
      await fmc.writeFileAtomic(staged.manifest, `${JSON.stringify(prepared, null, 2)}\n`, { mode: 0o644 });
    });
    return prepared;
  })();
  complete.catch(() => undefined); // observed by prepared(); a delivery that stops early may never ask
  return {
    stagingDirectory: plan.stagingDirectory,
    ca: ca.certificate,
    devicePair: (uuid) => ready.get(uuid)?.promise ?? Promise.reject(new SftunnelCaError('RENEWAL_PREPARED_STALE', `device ${uuid} is not in the plan of ${plan.stagingDirectory}`, { host: fmc.name, step: 'deliver' })),
    fmcPair: () => readStagedPair(fmc, fmcFiles),
    prepared: () => complete,
  };
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
  assertMatches(prepared.basedOn, current, fmc.name, stagingDirectory);
  await verifyStaged(fmc, prepared);
  return prepared;
}

/** The staged files of a prepared renewal, FMC-wide first. */
function stagedFilesOf(prepared: PreparedRenewal): StagedFile[] {
  return [prepared.ca, prepared.caKey, prepared.crl, prepared.fmc.certificate, prepared.fmc.key, ...prepared.devices.flatMap((d) => [d.certificate, d.key])];
}

interface Basis {
  readonly caFingerprintSha256: string;
  readonly deviceUuids: readonly string[];
}

function planBasis(plan: RenewalPlan): Basis {
  return { caFingerprintSha256: plan.fmc.ca.fingerprintSha256, deviceUuids: plan.fmc.deviceUuids };
}

function inspectionBasis(inspection: FmcInspection): Basis {
  return { caFingerprintSha256: inspection.ca.certificate.fingerprintSha256, deviceUuids: sortedUuids(inspection.devices) };
}

function assertMatches(expected: Basis, actual: Basis, host: string, stagingDirectory: string): void {
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

/** The certificates the live InternalCA issued, as inspected: the FMC's and every device's `certs_pushed` one (planned or not). */
function issuedByLiveCa(inspection: FmcInspection): Certificate[] {
  return [inspection.fmcCertificate.certificate, ...inspection.devices.map((d) => d.pushedCertificate.certificate)];
}

/** Every serial the inspection saw under the InternalCA's name: the live CA's own and those it issued. */
function seenSerials(inspection: FmcInspection): bigint[] {
  return [inspection.ca.certificate, ...issuedByLiveCa(inspection)].map((certificate) => certificate.serialNumber);
}

function sortedUuids(devices: readonly { readonly uuid: string }[]): string[] {
  return devices.map((d) => d.uuid).sort();
}

async function checkIssued(issued: IssuedCertificate, ca: Certificate, now: Date, source: string): Promise<void> {
  await verifyIssuedBy(issued.certificate, ca, { now, source });
  assertKeyMatchesCertificate(issued.privateKeyPem, issued.certificate, source);
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

/**
 * What an interrupted preparation left in the staging directory (none when it does not exist):
 * the FMC-wide files and each device's pair, by path, with their sha256.
 */
async function findStaged(fmc: Host, plan: RenewalPlan, layout: ApplianceLayout): Promise<Map<string, StagedFile>> {
  const staged = stagedFmcFiles(plan.stagingDirectory, layout);
  if (!(await fmc.exists(staged.directory))) return new Map();
  const peers = posix.join(plan.stagingDirectory, 'peers');
  const present = new Set((await fmc.exists(peers)) ? await fmc.list(peers) : []);
  const paths = [staged.caCertificate, staged.caKey, staged.caCrl, staged.sftunnelCertificate, staged.sftunnelKey];
  for (const device of plan.devices.filter((d) => present.has(d.uuid))) {
    const files = stagedDeviceFiles(plan.stagingDirectory, layout, device.uuid);
    paths.push(files.sftunnelCertificate, files.sftunnelKey);
  }
  const digests = await remoteDigests(fmc, paths, 'prepare');
  return new Map([...digests].map(([path, digest]) => [path, { path, sha256: digest.sha256 }]));
}

/** The devices whose certificate and key are both staged and belong together (a lone half, or halves of two attempts, count as absent), with their certificates read. */
async function foundDevicePairs(fmc: Host, plan: RenewalPlan, layout: ApplianceLayout, found: ReadonlyMap<string, StagedFile>, now: Date): Promise<Map<string, FoundPair>> {
  const pairs = new Map<string, FoundPair>();
  for (const device of plan.devices) {
    const files = stagedDeviceFiles(plan.stagingDirectory, layout, device.uuid);
    const certificate = found.get(files.sftunnelCertificate);
    const key = found.get(files.sftunnelKey);
    if (certificate === undefined || key === undefined) continue; // a lone half is absent: both are made again
    const texts = await readStagedPair(fmc, { certificate, key });
    const parsed = Certificate.fromPem(texts.certificate, certificate.path);
    if (!keyMatches(texts.key, parsed, key.path)) continue; // halves of two attempts: both are made again
    pairs.set(device.uuid, { certificate: { ...certificate, certificate: summarizeCertificate(parsed, now) }, key, parsed });
  }
  return pairs;
}

/** The FMC's pair, when both are staged and the certificate is the CA's. */
async function foundFmcPair(fmc: Host, staged: StagedFmcFiles, found: ReadonlyMap<string, StagedFile>, ca: Certificate, now: Date): Promise<PreparedRenewal['fmc'] | undefined> {
  const certificate = found.get(staged.sftunnelCertificate);
  const key = found.get(staged.sftunnelKey);
  if (certificate === undefined || key === undefined) return undefined;
  const texts = await readStagedPair(fmc, { certificate, key });
  const parsed = Certificate.fromPem(texts.certificate, certificate.path);
  if (!keyMatches(texts.key, parsed, key.path)) return undefined;
  await verifyIssuedBy(parsed, ca, { now, source: certificate.path });
  return { certificate: { ...certificate, certificate: summarizeCertificate(parsed, now) }, key };
}

/** Whether a staged key is its certificate's (`KEY_CERT_MISMATCH` is `false`; other errors are thrown). */
function keyMatches(keyPem: string, certificate: Certificate, source: string): boolean {
  try {
    assertKeyMatchesCertificate(keyPem, certificate, source);
    return true;
  } catch (error) {
    if (isSftunnelCaError(error, 'KEY_CERT_MISMATCH')) return false;
    throw error;
  }
}

/** A promise settled from outside; its rejection counts as handled (whoever awaits it still sees it). */
interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: Promise<T>): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: Promise<T>) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
