import { posix } from 'node:path';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import { assertKeyMatchesCertificate, keyMatchesCertificate } from '../pki/key-certificate-match.js';
import { summarizeCertificate } from './certificate-summary.js';
import { copyOnHost, type HostCopy } from './copy-on-host.js';
import type { RenewalPlan } from './plan.js';
import type { PreparedRenewal, StagedCertificate, StagedFile } from './prepared-manifest.js';
import { makePrivateDirectories, mkdirPrivateCommand } from '../host/private-directory.js';
import { refuseSymlinksCommand, symlinkRefusal } from '../host/symlink-guard.js';
import { readFilesInFewCommands } from '../host/read-files-batch.js';
import { sha256 } from '../host/sha256.js';
import { shellWord } from '../host/shell-word.js';
import { stagedDeviceFiles, stagedFmcFiles } from './staging-layout.js';
import { GENERATE_CERTS_SCRIPT } from './vendor-generator.js';

/** What {@link adoptVendorSet} needs besides the FMC. */
export interface AdoptVendorSetParams {
  /** The plan of the run: its staging directory, the FMC's live paths, its devices. */
  readonly plan: RenewalPlan;
  /** Appliance paths (`fmc.caKey`, the peers directory). */
  readonly layout: ApplianceLayout;
  /** The moment of the adoption: verdicts, the chain's validity. */
  readonly now: Date;
  /** The fingerprint of the InternalCA generate_certs.pl replaced. */
  readonly replacedCaFingerprintSha256: string;
}

/** A live file of the FMC that goes into the staging directory. */
interface Adopted {
  readonly live: string;
  readonly staged: string;
  readonly mode: number;
}

/**
 * Adopts the set generate_certs.pl switched the FMC to as a prepared renewal: reads the FMC's live
 * InternalCA, its key (`layout.fmc.caKey`), the CRL, the FMC's pair and every managed device's
 * `certs_pushed` pair; checks them as one set (a new CA named for this FMC, its key, each
 * certificate issued by it and matching its key); copies them on the FMC into the plan's staging
 * directory (private directories, keys 0600, each copy checked by sha256) and writes
 * `manifest.json` last, as {@link prepareRenewal} does, so that delivery, a resumed run, a copy run
 * and the journal see it as any prepared renewal. Devices the plan leaves out are staged too (the
 * script renewed them all), after the planned ones.
 *
 * @param fmc - the FMC, as root (queued)
 * @param params - the plan, layout, clock and the CA replaced
 * @returns the prepared renewal
 * @throws SftunnelCaError `VENDOR_GENERATOR_FAILED` when a file is missing or the set is not one renewal
 */
export async function adoptVendorSet(fmc: Host, params: AdoptVendorSetParams): Promise<PreparedRenewal> {
  const { plan, layout, now } = params;
  const staged = stagedFmcFiles(plan.stagingDirectory, layout);
  const planned = new Set(plan.devices.map((d) => d.uuid));
  const uuids = [...plan.devices.map((d) => d.uuid), ...plan.fmc.deviceUuids.filter((uuid) => !planned.has(uuid))];
  const fmcWide = {
    ca: { live: plan.livePaths.caCertificate, staged: staged.caCertificate, mode: 0o644 },
    caKey: { live: layout.fmc.caKey, staged: staged.caKey, mode: 0o600 },
    crl: { live: plan.livePaths.caCrl, staged: staged.caCrl, mode: 0o644 },
    certificate: { live: plan.livePaths.sftunnelCertificate, staged: staged.sftunnelCertificate, mode: 0o644 },
    key: { live: plan.livePaths.sftunnelKey, staged: staged.sftunnelKey, mode: 0o600 },
  } satisfies Record<string, Adopted>;
  const devices = uuids.map((uuid) => {
    const pushed = fmcPushedFiles(layout, uuid);
    const files = stagedDeviceFiles(plan.stagingDirectory, layout, uuid);
    return {
      uuid,
      certificate: { live: pushed.sftunnelCertificate, staged: files.sftunnelCertificate, mode: 0o644 },
      key: { live: pushed.sftunnelKey, staged: files.sftunnelKey, mode: 0o600 },
    };
  });
  const all: Adopted[] = [...Object.values(fmcWide), ...devices.flatMap((d) => [d.certificate, d.key])];
  const texts = await readFilesInFewCommands(fmc, all.map((a) => a.live), { step: 'adopt' });
  const text = (file: Adopted): string => {
    const found = texts.get(file.live);
    if (found === undefined) throw failed(fmc, `${file.live} is missing on the FMC after ${GENERATE_CERTS_SCRIPT}`, file.live);
    return found;
  };

  // ── the set, checked as one renewal before anything is staged ──
  const ca = parse(fmc, text(fmcWide.ca), fmcWide.ca.live);
  if (ca.fingerprintSha256 === params.replacedCaFingerprintSha256) throw failed(fmc, `${GENERATE_CERTS_SCRIPT} ended, but ${fmcWide.ca.live} is still the InternalCA it was to replace`, fmcWide.ca.live);
  if (ca.commonName !== plan.fmc.uuid) throw failed(fmc, `${fmcWide.ca.live} is named for ${ca.commonName ?? 'no CN'}, not the FMC ${plan.fmc.uuid}`, fmcWide.ca.live);
  if (!keyMatchesCertificate(text(fmcWide.caKey), ca, fmcWide.caKey.live)) {
    throw failed(fmc, `${fmcWide.caKey.live} is not the key of the new InternalCA: ${GENERATE_CERTS_SCRIPT} keeps it elsewhere; point the layout's fmc.caKey at it and run again`, fmcWide.caKey.live);
  }
  const checkPair = async (certificate: Adopted, key: Adopted): Promise<Certificate> => {
    const parsed = parse(fmc, text(certificate), certificate.live);
    try {
      await verifyIssuedBy(parsed, ca, { now, source: certificate.live });
      assertKeyMatchesCertificate(text(key), parsed, key.live);
    } catch (error) {
      if (!isSftunnelCaError(error)) throw error;
      throw failed(fmc, `the set ${GENERATE_CERTS_SCRIPT} wrote is not one renewal: ${error.message}`, certificate.live, error);
    }
    return parsed;
  };
  const fmcCertificate = await checkPair(fmcWide.certificate, fmcWide.key);
  const deviceCertificates: Certificate[] = [];
  for (const device of devices) deviceCertificates.push(await checkPair(device.certificate, device.key));

  // ── staged on the FMC (directories 0700, keys 0600), each copy checked; the manifest last ──
  await makePrivateDirectories(fmc, [staged.directory, posix.join(staged.directory, 'peers'), ...devices.map((d) => posix.dirname(d.certificate.staged))], 'adopt');
  const copies: HostCopy[] = all.map((file) => ({ source: file.live, destination: file.staged, sha256: sha256(text(file)), mode: file.mode }));
  await copyOnHost(fmc, copies, { step: 'adopt', now });
  const stagedFile = (file: Adopted): StagedFile => ({ path: file.staged, sha256: sha256(text(file)) });
  const stagedCertificate = (file: Adopted, certificate: Certificate): StagedCertificate => ({ ...stagedFile(file), certificate: summarizeCertificate(certificate, now) });
  const prepared: PreparedRenewal = {
    version: 1,
    fmcUuid: plan.fmc.uuid,
    stagingDirectory: plan.stagingDirectory,
    preparedAt: now.toISOString(),
    basedOn: { caFingerprintSha256: params.replacedCaFingerprintSha256, deviceUuids: plan.fmc.deviceUuids },
    ca: stagedCertificate(fmcWide.ca, ca),
    caKey: stagedFile(fmcWide.caKey),
    crl: stagedFile(fmcWide.crl),
    fmc: { certificate: stagedCertificate(fmcWide.certificate, fmcCertificate), key: stagedFile(fmcWide.key) },
    devices: devices.map((device, i) => ({
      uuid: device.uuid,
      certificate: stagedCertificate(device.certificate, deviceCertificates[i] as Certificate),
      key: stagedFile(device.key),
    })),
  };
  await fmc.writeFileAtomic(staged.manifest, `${JSON.stringify(prepared, null, 2)}\n`, { mode: 0o644 });
  return prepared;
}

/**
 * Moves the lines of the FAILED_PUSH generate_certs.pl wrote for its run (`/var/tmp/certs/<its
 * time>/FAILED_PUSH`) into the staging directory's FAILED_PUSH, where delivery keeps the list of
 * what still failed, and removes the script's directory when that leaves it empty: one FAILED_PUSH
 * for the run, the newest under `/var/tmp/certs`. Nothing to do when the script names none or names
 * the staging directory's own.
 *
 * @param fmc - the FMC, as root
 * @param failedPushFile - the file the script names, if any
 * @param stagingDirectory - the run's staging directory
 * @param layout - appliance paths
 * @throws SftunnelCaError `DEVICE_PATH_SYMLINK` when a level of the target is a symbolic link, `COMMAND_FAILED` when the move fails
 */
export async function collectScriptFailedPush(fmc: Host, failedPushFile: string | undefined, stagingDirectory: string, layout: ApplianceLayout): Promise<void> {
  const target = posix.join(stagingDirectory, layout.fmc.failedPushFileName);
  if (failedPushFile === undefined || posix.normalize(failedPushFile) === target) return;
  const scriptDirectory = posix.dirname(posix.normalize(failedPushFile));
  // Only a FAILED_PUSH in a run directory of its own under /var/tmp/certs, as the script writes it, is ever moved.
  if (posix.basename(failedPushFile) !== layout.fmc.failedPushFileName || posix.dirname(scriptDirectory) !== layout.fmc.failedPushDirectory || !/^\d+$/.test(posix.basename(scriptDirectory))) return;
  const source = shellWord(posix.join(scriptDirectory, layout.fmc.failedPushFileName));
  // `>>` follows a link: no level of the target may be one, checked in the command that appends.
  const command = `${refuseSymlinksCommand([target])} && ${mkdirPrivateCommand(stagingDirectory)} && cat ${source} >> ${shellWord(target)} && rm -f ${source} && { rmdir ${shellWord(scriptDirectory)} 2>/dev/null || true; }`;
  const result = await fmc.run(command);
  const refused = symlinkRefusal(result, fmc.name, 'adopt');
  if (refused !== undefined) throw refused;
  if (result.code !== 0) {
    throw new SftunnelCaError('COMMAND_FAILED', `moving ${failedPushFile} to ${target} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { host: fmc.name, step: 'adopt', file: failedPushFile });
  }
}

function parse(fmc: Host, pem: string, path: string): Certificate {
  try {
    return Certificate.fromPem(pem, path);
  } catch (error) {
    if (!isSftunnelCaError(error)) throw error;
    throw failed(fmc, `${path} is not a certificate after ${GENERATE_CERTS_SCRIPT}: ${error.message}`, path, error);
  }
}

function failed(fmc: Host, message: string, file: string, cause?: unknown): SftunnelCaError {
  return new SftunnelCaError('VENDOR_GENERATOR_FAILED', message, { host: fmc.name, step: 'adopt', file, ...(cause === undefined ? {} : { cause }) });
}

