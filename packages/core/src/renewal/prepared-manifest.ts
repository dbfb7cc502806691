import { posix } from 'node:path';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { isUuid } from '../identity/uuid.js';
import type { PreparedRenewal } from './prepare.js';

type Fields = Record<string, unknown>;

const SHA256 = /^[0-9a-f]{64}$/;
const VERDICTS: ReadonlySet<unknown> = new Set(['expired', 'expiring', 'valid']);

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
