import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { Certificate } from '../pki/certificate.js';
import { sha256 } from '../host/sha256.js';
import { readFilesInFewCommands } from '../host/read-files-batch.js';
import type { PreparedRenewal, StagedFile } from './prepared-manifest.js';

/** A device's new pair, as delivered: certificate and key PEM. The key is secret: memory only. */
export interface DevicePair {
  /** Its new `sftunnel-cert.pem`. */
  readonly certificate: string;
  /** Its new `sftunnel-key.pem`. */
  readonly key: string;
}

/**
 * Where a delivery takes the new files from: a renewal prepared ahead (read from the staging
 * directory when each device's turn comes), or one being generated while it is delivered (each
 * device's pair as soon as it is staged).
 */
export interface DeliverySource {
  /** The staging directory on the FMC. */
  readonly stagingDirectory: string;
  /** The new InternalCA. */
  readonly ca: Certificate;
  /** A device's pair, once it is staged; checked against its recorded sha256. */
  devicePair(uuid: string): Promise<DevicePair>;
  /** The FMC's new certificate and key (for the live TLS probe). */
  fmcPair(): Promise<DevicePair>;
  /** The complete prepared renewal (once every device's pair is staged and the manifest written). */
  prepared(): Promise<PreparedRenewal>;
}

/**
 * Reads a staged file on the FMC and checks its sha256.
 *
 * @throws SftunnelCaError `RENEWAL_STAGING_CORRUPT` when it is missing or no longer has the sha256 recorded
 */
export async function readStagedFile(fmc: Host, file: StagedFile): Promise<string> {
  return (await readStagedFiles(fmc, [file])).get(file.path) ?? '';
}

/** Reads a staged certificate and key on the FMC in one command, each checked against its sha256. */
export async function readStagedPair(fmc: Host, files: { readonly certificate: StagedFile; readonly key: StagedFile }): Promise<DevicePair> {
  const texts = await readStagedFiles(fmc, [files.certificate, files.key]);
  return { certificate: texts.get(files.certificate.path) ?? '', key: texts.get(files.key.path) ?? '' };
}

/** Devices whose pairs are read from the FMC in one command. */
const PAIRS_PER_READ = 25;

/**
 * Reads staged files in one command ({@link readFilesInFewCommands}), each checked against its sha256.
 *
 * @throws SftunnelCaError `RENEWAL_STAGING_CORRUPT` when one is missing or has another sha256
 */
async function readStagedFiles(fmc: Host, files: readonly StagedFile[]): Promise<Map<string, string>> {
  const texts = await readFilesInFewCommands(fmc, files.map((f) => f.path), { step: 'deliver', filesPerCommand: files.length });
  for (const file of files) {
    const text = texts.get(file.path);
    if (text === undefined || sha256(text) !== file.sha256) {
      throw new SftunnelCaError('RENEWAL_STAGING_CORRUPT', `${file.path} ${text === undefined ? 'cannot be read' : 'no longer has the sha256 it was prepared with'}`, { host: fmc.name, step: 'deliver', file: file.path });
    }
  }
  return texts;
}

/**
 * The source of a renewal prepared ahead: the new CA is read (and checked) now; devices' pairs
 * are read when the first device of a group of 25 (in plan order) asks, in one command per group,
 * so that keys stay in memory only around their delivery and the FMC is not asked once per file.
 *
 * @param fmc - the FMC, as root
 * @param prepared - from {@link prepareRenewal} or {@link loadPreparedRenewal}
 */
export async function preparedSource(fmc: Host, prepared: PreparedRenewal): Promise<DeliverySource> {
  const ca = Certificate.fromPem(await readStagedFile(fmc, prepared.ca), prepared.ca.path);
  const indexOf = new Map(prepared.devices.map((d, i) => [d.uuid, i]));
  const groups = new Map<number, Promise<Map<string, string>>>();
  const group = (index: number): Promise<Map<string, string>> => {
    const number = Math.floor(index / PAIRS_PER_READ);
    let read = groups.get(number);
    if (read === undefined) {
      const members = prepared.devices.slice(number * PAIRS_PER_READ, (number + 1) * PAIRS_PER_READ);
      read = readStagedFiles(fmc, members.flatMap((d) => [d.certificate, d.key]));
      groups.set(number, read);
    }
    return read;
  };
  return {
    stagingDirectory: prepared.stagingDirectory,
    ca,
    async devicePair(uuid) {
      const index = indexOf.get(uuid);
      const staged = index === undefined ? undefined : prepared.devices[index];
      if (index === undefined || staged === undefined) {
        throw new SftunnelCaError('RENEWAL_PREPARED_STALE', `device ${uuid} is not in the prepared renewal ${prepared.stagingDirectory}`, { host: fmc.name, step: 'deliver' });
      }
      const texts = await group(index);
      const pair = { certificate: texts.get(staged.certificate.path) ?? '', key: texts.get(staged.key.path) ?? '' };
      texts.delete(staged.key.path); // the key is held from here on only by its delivery
      return pair;
    },
    fmcPair: () => readStagedPair(fmc, prepared.fmc),
    prepared: () => Promise.resolve(prepared),
  };
}
