import { posix } from 'node:path';
import { SftunnelCaError, isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { SftunnelConf } from '../formats/sftunnel-conf.js';
import type { Host } from '../host/host.js';
import { isUuid } from '../identity/uuid.js';
import { DEFAULT_APPLIANCE_LAYOUT, fmcPushedFiles, type ApplianceLayout } from '../layout/appliance-layout.js';
import { Certificate } from '../pki/certificate.js';
import { expiryVerdict, type ExpiryVerdict } from '../pki/expiry-verdict.js';
import { keyMatchesCertificate } from '../pki/key-certificate-match.js';
import { privateKeyPemForm, type PrivateKeyPemForm } from '../pki/rsa-key.js';
import { readFilesInFewCommands } from '../host/read-files-batch.js';

/** Options of {@link inspectFmc}. */
export interface InspectFmcOptions {
  /** The moment the expiry verdicts are computed for. */
  readonly now: Date;
  /** Appliance paths; default the vendor's. The live CA and FMC paths come from sftunnel.conf. */
  readonly layout?: ApplianceLayout;
}

/** The files the FMC's tunnel uses now, as sftunnel.conf's `proxyssl` block names them. */
export interface FmcLivePaths {
  /** `proxy_cacert`: the InternalCA. */
  readonly caCertificate: string;
  /** `proxy_crl`: the CA's CRL. */
  readonly caCrl: string;
  /** `proxy_cert`: the FMC's own sftunnel certificate. */
  readonly sftunnelCertificate: string;
  /** `proxy_key`: the FMC's own sftunnel key. */
  readonly sftunnelKey: string;
}

/**
 * The InternalCA's private key on the FMC (`layout.fmc.caKey`), with which the FMC signs the
 * certificate of every device it registers: `matches` the live InternalCA, `missing`, or
 * `mismatch` (another key, or not a key). The key itself is never kept.
 */
export interface InspectedCaKey {
  /** Where it was looked for. */
  readonly path: string;
  /** What was found there. */
  readonly state: 'matches' | 'missing' | 'mismatch';
}

/** A certificate read from an appliance, with its expiry verdict. */
export interface InspectedCertificate {
  /** Where it was read. */
  readonly path: string;
  /** The certificate. */
  readonly certificate: Certificate;
  /** The vendor's verdict at the inspection's `now`. */
  readonly verdict: ExpiryVerdict;
}

/** One device the FMC manages, as its peer directory shows it. */
export interface InspectedDevice {
  /** The device's UUID (its directory under the FMC's peers directory). */
  readonly uuid: string;
  /** The device's name from the FMC's `sftunnel.json`, when there is one. */
  readonly name: string | undefined;
  /** The device's address from the FMC's `sftunnel.json`, when there is one. */
  readonly address: string | undefined;
  /** The certificate the FMC made for it (`certs_pushed/sftunnel-cert.pem`). */
  readonly pushedCertificate: InspectedCertificate;
  /** The PEM form of its key (`certs_pushed/sftunnel-key.pem`), kept when renewing. */
  readonly keyForm: PrivateKeyPemForm;
}

/** What {@link inspectFmc} found on an FMC: nothing secret, only certificates, paths and verdicts. */
export interface FmcInspection {
  /** The host inspected. */
  readonly host: string;
  /** The FMC's UUID: the CN of its InternalCA. */
  readonly fmcUuid: string;
  /** The layout used. */
  readonly layout: ApplianceLayout;
  /** The live paths, from sftunnel.conf. */
  readonly livePaths: FmcLivePaths;
  /** The InternalCA. */
  readonly ca: InspectedCertificate;
  /** The FMC's own sftunnel certificate. */
  readonly fmcCertificate: InspectedCertificate;
  /** The PEM form of the FMC's own key, kept when renewing. */
  readonly fmcKeyForm: PrivateKeyPemForm;
  /** The InternalCA's key: a renewal installs the new one there, so it must be found and match first. */
  readonly caKey: InspectedCaKey;
  /** The devices the FMC knows, by UUID order. */
  readonly devices: readonly InspectedDevice[];
  /** Peer directories that were skipped, with why (no certs_pushed, not a UUID…). */
  readonly skipped: readonly { readonly entry: string; readonly reason: string }[];
}

const decoder = new TextDecoder();

/**
 * Reads what a renewal starts from on an FMC, changing nothing: sftunnel.conf (the live CA, CRL,
 * certificate and key paths come from its `proxyssl` block, not from constants), the InternalCA,
 * the FMC's own certificate and key form, and for every device under the peers directory the
 * certificate the FMC made for it (`certs_pushed/`) with its name and address from `sftunnel.json`
 * where present. Every certificate gets the vendor's expiry verdict at `now`.
 *
 * @param host - the FMC, as root
 * @param options - the clock and the layout
 * @throws SftunnelCaError `RENEWAL_FMC_INCOMPLETE` when a file the renewal needs is missing;
 *   `SFTUNNEL_CONF_UNSAFE_PATH` when sftunnel.conf names a live file outside the layout's FMC
 *   directories (or one file twice); `SFTUNNEL_CONF_SYNTAX`, `PEM_INVALID` for unreadable files; the host's errors
 *
 * @example
 * ```ts
 * const inspection = await inspectFmc(fmc, { now: new Date() });
 * console.log(inspection.ca.verdict.message, inspection.devices.length);
 * ```
 */
export async function inspectFmc(host: Host, options: InspectFmcOptions): Promise<FmcInspection> {
  const layout = options.layout ?? DEFAULT_APPLIANCE_LAYOUT;
  const { now } = options;
  const confPath = layout.fmc.sftunnelConf;
  const conf = SftunnelConf.parse(await readText(host, confPath), { file: confPath });
  const livePaths = livePathsOf(conf, layout, host.name);
  const [caPem, fmcCertificatePem, fmcKeyPem, caKeyPem] = await Promise.all([
    readText(host, livePaths.caCertificate),
    readText(host, livePaths.sftunnelCertificate),
    readText(host, livePaths.sftunnelKey),
    readText(host, layout.fmc.caKey).catch((error: unknown) => {
      if (isSftunnelCaError(error, 'RENEWAL_FMC_INCOMPLETE')) return undefined;
      throw error;
    }),
  ]);
  const ca = inspected(livePaths.caCertificate, Certificate.fromPem(caPem, livePaths.caCertificate), now);
  const caKey: InspectedCaKey = { path: layout.fmc.caKey, state: caKeyState(caKeyPem, ca.certificate) };
  const fmcUuid = ca.certificate.commonName ?? '';
  if (!isUuid(fmcUuid)) {
    throw new SftunnelCaError('RENEWAL_FMC_INCOMPLETE', `the InternalCA's CN is ${JSON.stringify(fmcUuid)}, not the FMC's UUID`, {
      host: host.name,
      step: 'inspect',
      file: livePaths.caCertificate,
    });
  }
  const skipped: { entry: string; reason: string }[] = [];
  const entries = (await host.list(layout.fmc.peersDirectory)).filter((entry) => {
    if (isUuid(entry)) return true;
    skipped.push({ entry, reason: 'not a UUID' });
    return false;
  });
  // Every peer's files in a few commands (75 files each), not five round trips a peer.
  const peers = entries.map((uuid) => ({ uuid, pushed: fmcPushedFiles(layout, uuid), identity: posix.join(layout.fmc.peersDirectory, uuid, 'sftunnel.json') }));
  const texts = await readFilesInFewCommands(host, peers.flatMap((p) => [p.pushed.sftunnelCertificate, p.pushed.sftunnelKey, p.identity]), { step: 'inspect' });
  const devices: InspectedDevice[] = [];
  for (const { uuid, pushed, identity } of peers) {
    const certificatePem = texts.get(pushed.sftunnelCertificate);
    if (certificatePem === undefined) {
      skipped.push({ entry: uuid, reason: `no ${layout.fmc.certsPushedDirectoryName}/${layout.peerFiles.sftunnelCertificate}` });
      continue;
    }
    const keyPem = texts.get(pushed.sftunnelKey);
    if (keyPem === undefined) throw new SftunnelCaError('RENEWAL_FMC_INCOMPLETE', `${pushed.sftunnelKey} is missing on the FMC`, { host: host.name, step: 'inspect', file: pushed.sftunnelKey });
    const { name, address } = peerIdentity(texts.get(identity));
    devices.push({
      uuid,
      name,
      address,
      pushedCertificate: inspected(pushed.sftunnelCertificate, Certificate.fromPem(certificatePem, pushed.sftunnelCertificate), now),
      keyForm: privateKeyPemForm(keyPem, pushed.sftunnelKey),
    });
  }
  return {
    host: host.name,
    fmcUuid,
    layout,
    livePaths,
    ca,
    fmcCertificate: inspected(livePaths.sftunnelCertificate, Certificate.fromPem(fmcCertificatePem, livePaths.sftunnelCertificate), now),
    fmcKeyForm: privateKeyPemForm(fmcKeyPem, livePaths.sftunnelKey),
    caKey,
    devices,
    skipped,
  };
}

/** Name and address from an `sftunnel.json`'s text (`peer_name`, `peer_ip`), when there is one and it says so. */
function peerIdentity(json: string | undefined): { name: string | undefined; address: string | undefined } {
  if (json === undefined) return { name: undefined, address: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { name: undefined, address: undefined }; // an unreadable sftunnel.json is as good as none: the inventory names the device
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && /^\S+$/.test(value) ? value : undefined);
  return { name: text(record['peer_name'] ?? record['name']), address: text(record['peer_ip'] ?? record['ip']) };
}

function livePathsOf(conf: SftunnelConf, layout: ApplianceLayout, host: string): FmcLivePaths {
  const layoutDirectories = new Set([layout.fmc.caCertificate, layout.fmc.caCrl, layout.fmc.sftunnelCertificate, layout.fmc.sftunnelKey].map((file) => posix.dirname(file)));
  const path = (directive: string): string => {
    const value = conf.get(['proxyssl', directive]);
    if (value === undefined || !value.startsWith('/') || posix.normalize(value) !== value) {
      throw new SftunnelCaError(
        'RENEWAL_FMC_INCOMPLETE',
        `sftunnel.conf has no absolute proxyssl.${directive} (found ${JSON.stringify(value ?? null)})`,
        { host, step: 'inspect', file: layout.fmc.sftunnelConf },
      );
    }
    // Renewal writes the live files: only in the directories where the layout keeps the FMC's files.
    if (!layoutDirectories.has(posix.dirname(value))) {
      throw new SftunnelCaError(
        'SFTUNNEL_CONF_UNSAFE_PATH',
        `sftunnel.conf names ${value} for proxyssl.${directive}, outside ${[...layoutDirectories].join(' and ')}`,
        { host, step: 'inspect', file: layout.fmc.sftunnelConf },
      );
    }
    return value;
  };
  const paths = { caCertificate: path('proxy_cacert'), caCrl: path('proxy_crl'), sftunnelCertificate: path('proxy_cert'), sftunnelKey: path('proxy_key') };
  if (new Set(Object.values(paths)).size !== 4) {
    throw new SftunnelCaError('SFTUNNEL_CONF_UNSAFE_PATH', `sftunnel.conf names one file for two of proxy_cacert, proxy_crl, proxy_cert and proxy_key: ${Object.values(paths).join(', ')}`, {
      host,
      step: 'inspect',
      file: layout.fmc.sftunnelConf,
    });
  }
  return paths;
}

/** Whether the CA key file's text is the key of the CA; a file that is not an RSA key is a mismatch. */
function caKeyState(keyPem: string | undefined, ca: Certificate): InspectedCaKey['state'] {
  if (keyPem === undefined) return 'missing';
  try {
    return keyMatchesCertificate(keyPem, ca) ? 'matches' : 'mismatch';
  } catch (error) {
    if (isSftunnelCaError(error, 'PEM_INVALID') || isSftunnelCaError(error, 'KEY_NOT_RSA')) return 'mismatch';
    throw error;
  }
}

function inspected(path: string, certificate: Certificate, now: Date): InspectedCertificate {
  return { path, certificate, verdict: expiryVerdict(certificate, now) };
}

/** Reads a text file of an appliance; a missing one is `RENEWAL_FMC_INCOMPLETE`. */
async function readText(host: Host, path: string): Promise<string> {
  try {
    return decoder.decode(await host.readFile(path));
  } catch (error) {
    if (isSftunnelCaError(error, 'FILE_NOT_FOUND')) {
      throw new SftunnelCaError('RENEWAL_FMC_INCOMPLETE', `${path} is missing on the FMC`, { host: host.name, step: 'inspect', file: path, cause: error });
    }
    throw error;
  }
}
