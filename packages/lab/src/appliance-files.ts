import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fmcHaPeerFiles, fmcPushedFiles, ftdPeerFiles, type ApplianceLayout } from '@sftunnel-ca/core';
import type { LabPki } from './lab-pki.js';

/** A device or FMC as the files name it. */
export interface ApplianceIdentity {
  readonly uuid: string;
  readonly name: string;
  readonly address: string;
}

/** What an FTD holds for one of its managers. */
export interface ManagerFiles extends ApplianceIdentity {
  /** The manager's InternalCA certificate. */
  readonly caCertificatePem: string;
  /** The device's sftunnel certificate, issued by that CA. */
  readonly certificatePem: string;
  /** The device's sftunnel key. */
  readonly keyPem: string;
}

/** The software version the lab's appliances report. */
export const LAB_SOFTWARE_VERSION = '7.2.5';

/** The FMC's `sftunnel.conf`, as the tech note shows it. */
export function sftunnelConfText(layout: ApplianceLayout): string {
  return [
    'proxyssl {',
    `  proxy_cert    ${layout.fmc.sftunnelCertificate};`,
    `  proxy_key     ${layout.fmc.sftunnelKey};`,
    `  proxy_cacert  ${layout.fmc.caCertificate};`,
    `  proxy_crl     ${layout.fmc.caCrl};`,
    '  proxy_cipher  1;',
    '  proxy_tls_version TLSv1.2;',
    '};',
    '',
  ].join('\n');
}

/** The real path on disk of an appliance path. */
export function onDisk(root: string, appliancePath: string): string {
  return join(root, ...appliancePath.split('/').filter((part) => part !== ''));
}

async function put(root: string, appliancePath: string, content: string, mode = 0o644): Promise<void> {
  const path = onDisk(root, appliancePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode });
}

async function commonTree(root: string, name: string): Promise<void> {
  for (const dir of ['/home/admin', '/root', '/tmp', '/var/tmp', '/var/log', '/etc']) await mkdir(onDisk(root, dir), { recursive: true });
  await put(root, '/etc/hostname', `${name}\n`);
  // An empty file the shells read as /dev/null (their file system swallows writes to it).
  await put(root, '/dev/null', '', 0o666);
}

/**
 * Writes an FMC's files under `root`: InternalCA, its key and CRL, the FMC's sftunnel certificate
 * and key, `sftunnel.conf`, each device's `certs_pushed/` pair, and empty logs.
 *
 * @param root - the FMC's directory on disk (its `/`)
 * @param layout - the appliance paths
 * @param fmc - the FMC's identity
 * @param pki - the FMC's CA and certificates
 * @param devices - the devices it manages
 */
export async function writeFmcFiles(root: string, layout: ApplianceLayout, fmc: ApplianceIdentity, pki: LabPki, devices: readonly ApplianceIdentity[]): Promise<void> {
  await commonTree(root, fmc.name);
  const f = layout.fmc;
  await put(root, f.caCertificate, pki.ca.certificate.pem);
  await put(root, f.caKey, pki.caKeyPem, 0o600);
  await put(root, f.caCrl, pki.crlPem);
  await put(root, f.sftunnelCertificate, pki.fmc.certificate.pem);
  await put(root, f.sftunnelKey, pki.fmc.privateKeyPem, 0o600);
  await put(root, f.sftunnelConf, sftunnelConfText(layout));
  await put(root, f.messagesLog, '');
  await mkdir(dirname(onDisk(root, f.renewalLog)), { recursive: true });
  await mkdir(onDisk(root, f.failedPushDirectory), { recursive: true });
  await put(root, '/etc/sf/sw_version', `${LAB_SOFTWARE_VERSION}\n`);
  for (let start = 0; start < devices.length; start += 64) {
    await Promise.all(
      devices.slice(start, start + 64).map(async (device) => {
        const issued = pki.devices.get(device.uuid);
        if (issued === undefined) return;
        const pushed = fmcPushedFiles(layout, device.uuid);
        await put(root, pushed.sftunnelCertificate, issued.certificate.pem);
        await put(root, pushed.sftunnelKey, issued.privateKeyPem, 0o600);
      }),
    );
  }
}

/**
 * Writes, on an FMC, each device's identity beside its `certs_pushed/`: `/var/sf/peers/<FTD-UUID>/sftunnel.json`
 * with its name and address (what the FMC knows of the devices it manages).
 *
 * @param root - the FMC's directory on disk (its `/`)
 * @param layout - the appliance paths
 * @param devices - the devices it manages, with their addresses
 */
export async function writeFmcPeerIdentities(root: string, layout: ApplianceLayout, devices: readonly ApplianceIdentity[]): Promise<void> {
  for (let start = 0; start < devices.length; start += 64) {
    await Promise.all(
      devices.slice(start, start + 64).map((device) =>
        put(
          root,
          join(layout.fmc.peersDirectory, device.uuid, 'sftunnel.json'),
          `${JSON.stringify({ peer_uuid: device.uuid, peer_name: device.name, peer_ip: device.address, port: 8305, role: 'device' }, null, 2)}\n`,
        ),
      ),
    );
  }
}

/**
 * Writes, on an FMC of an HA pair, what it holds to talk sftunnel to its HA peer, as it holds it for
 * a manager on an FTD: `/var/sf/peers/<peer-UUID>/` with the peer's InternalCA (`cacert.pem`), the
 * certificate and key the peer issued for this FMC (`sftunnel-cert.pem`, `sftunnel-key.pem`, mode
 * 644) and `sftunnel.json` naming the peer (role `ha-peer`). The same directory holds the
 * `certs_pushed/` pair this FMC made for the peer ({@link writeFmcFiles}).
 *
 * @param root - the FMC's directory on disk (its `/`)
 * @param layout - the appliance paths
 * @param peer - the HA peer FMC and what this FMC holds for it
 */
export async function writeHaPeerFiles(root: string, layout: ApplianceLayout, peer: ManagerFiles): Promise<void> {
  const files = fmcHaPeerFiles(layout, peer.uuid);
  await put(root, files.caCertificate, peer.caCertificatePem);
  await put(root, files.sftunnelCertificate, peer.certificatePem);
  await put(root, files.sftunnelKey, peer.keyPem);
  await put(root, join(files.directory, 'sftunnel.json'), `${JSON.stringify({ peer_uuid: peer.uuid, peer_name: peer.name, peer_ip: peer.address, port: 8305, role: 'ha-peer' }, null, 2)}\n`);
}

/**
 * Writes an FTD's files under `root`: for each manager, `/var/sf/peers/<FMC-UUID>/` with
 * `cacert.pem`, `sftunnel-cert.pem`, `sftunnel-key.pem` (mode 644) and the files renewal leaves
 * alone; and an empty messages log.
 *
 * @param root - the FTD's directory on disk (its `/`)
 * @param layout - the appliance paths
 * @param ftd - the device's identity
 * @param managers - its FMCs and what it holds for each
 */
export async function writeFtdFiles(root: string, layout: ApplianceLayout, ftd: ApplianceIdentity, managers: readonly ManagerFiles[]): Promise<void> {
  await commonTree(root, ftd.name);
  await put(root, layout.ftd.messagesLog, '');
  for (const manager of managers) {
    const peer = ftdPeerFiles(layout, manager.uuid);
    await put(root, peer.caCertificate, manager.caCertificatePem);
    await put(root, peer.sftunnelCertificate, manager.certificatePem);
    await put(root, peer.sftunnelKey, manager.keyPem);
    await put(root, join(peer.directory, 'sftunnel.json'), `${JSON.stringify({ peer_uuid: manager.uuid, peer_name: manager.name, peer_ip: manager.address, port: 8305, role: 'manager' }, null, 2)}\n`);
    await put(root, join(peer.directory, 'ims.conf'), `UUID=${ftd.uuid}\nMANAGER_UUID=${manager.uuid}\nMANAGER_IP=${manager.address}\n`);
    await put(root, join(peer.directory, 'sftunnel-heartbeat'), '');
    await put(root, join(peer.directory, 'sw_version'), `${LAB_SOFTWARE_VERSION}\n`);
  }
}
