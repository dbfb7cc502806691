/** Generating a renewal: new keys and certificates, staged on the FMC as they are made. */
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import type { Certificate } from '../pki/certificate.js';
import { createCertificateRevocationList } from '../pki/certificate-revocation-list.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import { nativeCrypto, type CryptoProvider } from '../pki/crypto-provider.js';
import type { InternalCA } from '../pki/internal-ca.js';
import { renewInternalCA } from '../pki/internal-ca-generator.js';
import { assertKeyMatchesCertificate } from '../pki/key-certificate-match.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../pki/rsa-key.js';
import { hashToKeep } from '../pki/signature-hash.js';
import { reissueSftunnelCertificate, type IssuedCertificate } from '../pki/sftunnel-certificate.js';
import { runBounded } from '../host/bounded-run.js';
import { summarizeCertificate } from './certificate-summary.js';
import { preparedSource, readStagedPair, type DeliverySource, type DevicePair } from './delivery-source.js';
import { GroupedFileWriter } from '../host/grouped-file-writer.js';
import type { FmcInspection, InspectedDevice } from './inspect.js';
import { findPartialPreparation, type PartialPreparation, type StagedPair } from './partial-preparation.js';
import type { PlannedDevice, RenewalPlan } from './plan.js';
import { assertPlanStillApplies, loadPreparedRenewal, planBasis, recordPreparedRenewal, type PreparedRenewal, type StagedFile } from './prepared-manifest.js';
import { makePrivateDirectories } from '../host/private-directory.js';
import { queuedHost } from '../host/queued-host.js';
import type { RenewalReporter } from './renewal-event.js';
import { RunTimeline } from './run-timeline.js';
import { sha256 } from '../host/sha256.js';
import { stagedDeviceFiles, stagedFmcFiles } from './staging-layout.js';

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

/**
 * Starts a preparation and returns once the new InternalCA and the FMC's files are staged; each
 * device's pair is then generated, issued, checked and staged in plan order (keys `keyConcurrency`
 * at a time), and is available from the returned source as soon as it is staged, so that delivery
 * overlaps generation. A complete preparation (its manifest written) is loaded instead; what an
 * interrupted one staged ({@link findPartialPreparation}) is reused: the CA with its key, the FMC's
 * pair, the CRL, each complete device pair that the CA verifies.
 *
 * @param fmc - the FMC, queued
 * @param inspection - the FMC now
 * @param plan - the plan
 * @param options - clock, key concurrency, events, crypto
 * @param timeline - records the `generate` and `stage` phases
 */
export async function startPreparation(fmc: Host, inspection: FmcInspection, plan: RenewalPlan, options: PrepareRenewalOptions, timeline: RunTimeline): Promise<DeliverySource> {
  if (await fmc.exists(stagedFmcFiles(plan.stagingDirectory, inspection.layout).manifest)) {
    return preparedSource(fmc, await loadPreparedRenewal(fmc, inspection, plan.stagingDirectory));
  }
  assertPlanStillApplies(plan, inspection, fmc.name);
  const crypto = options.crypto ?? nativeCrypto;
  const devices = withTemplates(plan, inspection, fmc.name);
  const partial = await findPartialPreparation(fmc, inspection, plan, { now: options.now, crypto });
  await makePrivateDirectories(fmc, [plan.stagingDirectory], 'prepare');
  const issuer = new StagingIssuer(fmc, inspection, plan, { ...options, crypto }, timeline);

  // ── the CA, the FMC's pair and the CRL: found staged, or made now ──
  const { ca, caFiles } = partial ?? (await issuer.newInternalCA());
  const fmcFiles = partial?.fmc ?? (await issuer.newPair(ca, inspection.fmcCertificate.certificate, plan.generate.fmcKeySize, inspection.fmcKeyForm, stagedFmcFiles(plan.stagingDirectory, inspection.layout)));
  const crlFile = partial?.crl ?? (await issuer.newCrl(ca));

  // ── each device's pair, in plan order, available as soon as it is staged ──
  const ready = new Map<string, Deferred<DevicePair>>(plan.devices.map((d) => [d.uuid, deferred<DevicePair>()]));
  const devicesStaged: PreparedRenewal['devices'][number][] = [];
  const generation = runBounded(devices, options.keyConcurrency ?? 16, async ({ device, template }, index) => {
    const waiting = ready.get(device.uuid) as Deferred<DevicePair>;
    try {
      const found = partial?.devices.get(device.uuid);
      const files = stagedDeviceFiles(plan.stagingDirectory, inspection.layout, device.uuid);
      const pair = found ?? (await issuer.newPair(ca, template.pushedCertificate.certificate, device.keySize, device.keyForm, files, (texts) => waiting.resolve(Promise.resolve(texts))));
      if (found !== undefined) waiting.resolve(readStagedPair(fmc, found));
      devicesStaged[index] = { uuid: device.uuid, ...pair };
    } catch (error) {
      waiting.reject(error);
      throw error;
    }
  });
  const complete = (async (): Promise<PreparedRenewal> => {
    await generation;
    const prepared: PreparedRenewal = {
      version: 1,
      fmcUuid: inspection.fmcUuid,
      stagingDirectory: plan.stagingDirectory,
      preparedAt: options.now.toISOString(),
      basedOn: planBasis(plan),
      ca: { ...caFiles.ca, certificate: summarizeCertificate(ca.certificate, options.now) },
      caKey: caFiles.caKey,
      crl: crlFile,
      fmc: fmcFiles,
      devices: devicesStaged,
    };
    await timeline.span('stage', () => recordPreparedRenewal(fmc, inspection, prepared));
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

/** Each planned device with its inspected self (whose `certs_pushed` certificate is the template of its new one). */
function withTemplates(plan: RenewalPlan, inspection: FmcInspection, host: string): { readonly device: PlannedDevice; readonly template: InspectedDevice }[] {
  const inspected = new Map(inspection.devices.map((d) => [d.uuid, d]));
  return plan.devices.map((device) => {
    const template = inspected.get(device.uuid);
    if (template === undefined) throw new SftunnelCaError('RENEWAL_PREPARED_STALE', `device ${device.uuid} of the plan is no longer on the FMC`, { host, step: 'prepare' });
    return { device, template };
  });
}

/**
 * Makes the new files and stages each as soon as it is made: keys generated (counted for
 * `prepare:progress`), certificates issued from their current ones and checked, written to the
 * staging directory grouped into few commands while earlier ones are written (private directories,
 * keys 0600). A certificate and its key go in the same command: an interruption leaves both staged
 * or neither.
 */
class StagingIssuer {
  readonly #writer: GroupedFileWriter;
  readonly #hash: ReturnType<typeof hashToKeep>;
  readonly #backdate: { readonly backdateMs?: number };
  readonly #total: number;
  #generated = 0;

  constructor(
    private readonly fmc: Host,
    private readonly inspection: FmcInspection,
    private readonly plan: RenewalPlan,
    private readonly options: PrepareRenewalOptions & { readonly crypto: CryptoProvider },
    private readonly timeline: RunTimeline,
  ) {
    this.#writer = new GroupedFileWriter(fmc, { step: 'prepare', createPrivateDirectories: true });
    this.#hash = hashToKeep(inspection.ca.certificate.signatureHash); // the hash the new keys sign with: the CA's, SHA-256 at the least
    this.#backdate = options.backdateMs === undefined ? {} : { backdateMs: options.backdateMs };
    this.#total = plan.devices.length + 2;
  }

  /** The new InternalCA, from the live one as template, staged with its key. */
  async newInternalCA(): Promise<Pick<PartialPreparation, 'ca' | 'caFiles'>> {
    const keys = await this.timeline.span('generate', () => this.#keys(this.plan.generate.caKeySize));
    const issued = [this.inspection.fmcCertificate.certificate, ...this.inspection.devices.map((d) => d.pushedCertificate.certificate)];
    const ca = await renewInternalCA({ current: this.inspection.ca.certificate, issued, now: this.options.now, keys, ...this.#backdate }, this.options.crypto);
    const files = stagedFmcFiles(this.plan.stagingDirectory, this.inspection.layout);
    const [caFile, caKeyFile] = await this.#stagePair({ path: files.caCertificate, content: ca.certificate.pem }, { path: files.caKey, content: await ca.privateKeyPem(this.options.crypto) });
    return { ca, caFiles: { ca: caFile, caKey: caKeyFile } };
  }

  /**
   * A new sftunnel pair issued by `ca` from `current`, checked and staged at `files`; `onStaged`
   * receives its texts once staged (a delivery waiting for it takes them from memory).
   */
  async newPair(
    ca: InternalCA,
    current: Certificate,
    keySize: number,
    keyForm: PlannedDevice['keyForm'],
    files: { readonly sftunnelCertificate: string; readonly sftunnelKey: string },
    onStaged?: (pair: DevicePair) => void,
  ): Promise<StagedPair> {
    const { now, crypto } = this.options;
    const issued = await this.timeline.span('generate', async () => reissueSftunnelCertificate({ ca, current, now, keys: await this.#keys(keySize), keyForm, ...this.#backdate }, crypto));
    await checkIssued(issued, ca.certificate, now, files.sftunnelCertificate);
    const [certificate, key] = await this.#stagePair({ path: files.sftunnelCertificate, content: issued.certificate.pem }, { path: files.sftunnelKey, content: issued.privateKeyPem });
    onStaged?.({ certificate: issued.certificate.pem, key: issued.privateKeyPem });
    return { certificate: { ...certificate, certificate: summarizeCertificate(issued.certificate, now) }, key };
  }

  /** The new CA's CRL, staged. */
  async newCrl(ca: InternalCA): Promise<StagedFile> {
    const crl = await createCertificateRevocationList({ ca, now: this.options.now, ...this.#backdate }, this.options.crypto);
    const path = stagedFmcFiles(this.plan.stagingDirectory, this.inspection.layout).caCrl;
    return this.timeline.span('stage', async () => {
      await this.#writer.write({ path, content: crl.pem, mode: 0o644 });
      return { path, sha256: sha256(crl.pem) };
    });
  }

  async #keys(modulusLength: number): Promise<RsaKeyPair> {
    const keys = await generateRsaKeyPair({ modulusLength, hash: this.#hash }, this.options.crypto);
    this.options.onEvent?.({ type: 'prepare:progress', generated: ++this.#generated, total: this.#total });
    return keys;
  }

  #stagePair(certificate: { path: string; content: string }, key: { path: string; content: string }): Promise<[StagedFile, StagedFile]> {
    return this.timeline.span('stage', async () => {
      await this.#writer.writeTogether([
        { path: certificate.path, content: certificate.content, mode: 0o644 },
        { path: key.path, content: key.content, mode: 0o600 },
      ]);
      return [
        { path: certificate.path, sha256: sha256(certificate.content) },
        { path: key.path, sha256: sha256(key.content) },
      ];
    });
  }
}

async function checkIssued(issued: IssuedCertificate, ca: Certificate, now: Date, source: string): Promise<void> {
  await verifyIssuedBy(issued.certificate, ca, { now, source });
  assertKeyMatchesCertificate(issued.privateKeyPem, issued.certificate, source);
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
