/**
 * What an interrupted preparation left in its staging directory (a run killed before the
 * manifest was written), found once and handed to the generation as one value, so that no key
 * is ever generated twice and nothing half-made is reused.
 */
import { posix } from 'node:path';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { Certificate } from '../pki/certificate.js';
import { verifyIssuedBy } from '../pki/chain-verification.js';
import type { CryptoProvider } from '../pki/crypto-provider.js';
import { InternalCA } from '../pki/internal-ca.js';
import { assertKeyMatchesCertificate } from '../pki/key-certificate-match.js';
import { SerialNumberSequence } from '../pki/serial-number-sequence.js';
import { summarizeCertificate } from './certificate-summary.js';
import { readStagedPair } from './delivery-source.js';
import type { FmcInspection } from './inspect.js';
import type { RenewalPlan } from './plan.js';
import type { StagedCertificate, StagedFile } from './prepared-manifest.js';
import { remoteDigests } from '../host/remote-digest.js';
import { stagedDeviceFiles, stagedFmcFiles } from './staging-layout.js';

/** A certificate and its key, both staged and belonging together. */
export interface StagedPair {
  /** The certificate, with its summary. */
  readonly certificate: StagedCertificate;
  /** Its key (0600 on the FMC). */
  readonly key: StagedFile;
}

/**
 * What an interrupted preparation staged that can be reused: the new InternalCA with its key
 * (without them nothing else is reusable), and whichever of the CRL, the FMC's pair and the
 * devices' pairs it staged under that CA.
 */
export interface PartialPreparation {
  /** The new InternalCA, with its key, ready to issue the rest (serials continue above all in use). */
  readonly ca: InternalCA;
  /** Its staged files. */
  readonly caFiles: { readonly ca: StagedFile; readonly caKey: StagedFile };
  /** The FMC's pair, when both halves are staged and the CA verifies the certificate. */
  readonly fmc: StagedPair | undefined;
  /** The CRL, when staged. */
  readonly crl: StagedFile | undefined;
  /** Each device's pair that is complete and verified, by UUID. */
  readonly devices: ReadonlyMap<string, StagedPair>;
}

/** A staged device pair with its certificate parsed. */
interface ParsedPair extends StagedPair {
  readonly parsed: Certificate;
}

/**
 * Finds what an interrupted preparation of `plan` staged: `undefined` when there is no staging
 * directory or no complete CA pair in it (then everything is generated anew). A lone half of a
 * pair, or halves of two attempts, count as absent.
 *
 * @param fmc - the FMC, as root
 * @param inspection - the FMC now (the old CA's serials: new ones continue above them)
 * @param plan - the plan whose staging directory is searched
 * @param options - the clock (certificate summaries, chain checks) and the WebCrypto provider
 * @throws SftunnelCaError `RENEWAL_STAGING_CORRUPT` when a staged file cannot be read back as found;
 *   a chain error when a device's staged certificate is not the staged CA's
 */
export async function findPartialPreparation(
  fmc: Host,
  inspection: FmcInspection,
  plan: RenewalPlan,
  options: { readonly now: Date; readonly crypto: CryptoProvider },
): Promise<PartialPreparation | undefined> {
  const { now } = options;
  const files = stagedFmcFiles(plan.stagingDirectory, inspection.layout);
  const found = await findStagedFiles(fmc, plan, inspection);
  const caFile = found.get(files.caCertificate);
  const caKeyFile = found.get(files.caKey);
  if (caFile === undefined || caKeyFile === undefined) return undefined;
  const { certificate: caPem, key: caKeyPem } = await readStagedPair(fmc, { certificate: caFile, key: caKeyFile });
  const devices = await foundDevicePairs(fmc, plan, inspection, found, now);
  const fmcPair = await foundPair(fmc, found.get(files.sftunnelCertificate), found.get(files.sftunnelKey), now);
  // Above every serial in use under the CA's name: the old CA's and what it issued (as when generated), the new CA's own and what it staged.
  const serials = [
    inspection.ca.certificate.serialNumber,
    inspection.fmcCertificate.certificate.serialNumber,
    ...inspection.devices.map((d) => d.pushedCertificate.certificate.serialNumber),
    Certificate.fromPem(caPem, caFile.path).serialNumber,
    ...[...devices.values()].map((p) => p.parsed.serialNumber),
    ...(fmcPair === undefined ? [] : [fmcPair.parsed.serialNumber]),
  ];
  const ca = await InternalCA.fromPem(caPem, caKeyPem, { nextSerial: SerialNumberSequence.above(serials).next, certificateSource: caFile.path, keySource: caKeyFile.path }, options.crypto);
  for (const pair of devices.values()) await verifyIssuedBy(pair.parsed, ca.certificate, { now, source: pair.certificate.path });
  if (fmcPair !== undefined) await verifyIssuedBy(fmcPair.parsed, ca.certificate, { now, source: fmcPair.certificate.path });
  return {
    ca,
    caFiles: { ca: caFile, caKey: caKeyFile },
    fmc: fmcPair === undefined ? undefined : withoutParsed(fmcPair),
    crl: found.get(files.caCrl),
    devices: new Map([...devices].map(([uuid, pair]) => [uuid, withoutParsed(pair)])),
  };
}

/** The FMC-wide files and each planned device's pair present in the staging directory, by path, with their sha256. */
async function findStagedFiles(fmc: Host, plan: RenewalPlan, inspection: FmcInspection): Promise<Map<string, StagedFile>> {
  const files = stagedFmcFiles(plan.stagingDirectory, inspection.layout);
  if (!(await fmc.exists(files.directory))) return new Map();
  const peers = posix.join(plan.stagingDirectory, 'peers');
  const present = new Set((await fmc.exists(peers)) ? await fmc.list(peers) : []);
  const paths = [files.caCertificate, files.caKey, files.caCrl, files.sftunnelCertificate, files.sftunnelKey];
  for (const device of plan.devices.filter((d) => present.has(d.uuid))) {
    const pair = stagedDeviceFiles(plan.stagingDirectory, inspection.layout, device.uuid);
    paths.push(pair.sftunnelCertificate, pair.sftunnelKey);
  }
  const digests = await remoteDigests(fmc, paths, 'prepare');
  return new Map([...digests].map(([path, digest]) => [path, { path, sha256: digest.sha256 }]));
}

/** The planned devices whose certificate and key are both staged and belong together. */
async function foundDevicePairs(fmc: Host, plan: RenewalPlan, inspection: FmcInspection, found: ReadonlyMap<string, StagedFile>, now: Date): Promise<Map<string, ParsedPair>> {
  const pairs = new Map<string, ParsedPair>();
  for (const device of plan.devices) {
    const files = stagedDeviceFiles(plan.stagingDirectory, inspection.layout, device.uuid);
    const pair = await foundPair(fmc, found.get(files.sftunnelCertificate), found.get(files.sftunnelKey), now);
    if (pair !== undefined) pairs.set(device.uuid, pair);
  }
  return pairs;
}

/** A pair when both halves are staged and the key is the certificate's; `undefined` otherwise (both are made again). */
async function foundPair(fmc: Host, certificate: StagedFile | undefined, key: StagedFile | undefined, now: Date): Promise<ParsedPair | undefined> {
  if (certificate === undefined || key === undefined) return undefined;
  const texts = await readStagedPair(fmc, { certificate, key });
  const parsed = Certificate.fromPem(texts.certificate, certificate.path);
  if (!keyMatches(texts.key, parsed, key.path)) return undefined;
  return { certificate: { ...certificate, certificate: summarizeCertificate(parsed, now) }, key, parsed };
}

function withoutParsed({ certificate, key }: ParsedPair): StagedPair {
  return { certificate, key };
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
