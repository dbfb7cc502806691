import { createHash } from 'node:crypto';
import { ftdPeerFiles, type PreparedRenewal } from '@sftunnel-ca/core';
import type { Lab } from '@sftunnel-ca/lab';

/** The sha256 of a text, in hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The sha256 of a device's three files (CA, certificate, key) as it holds them now; `''` for a missing one. */
export function heldSet(lab: Lab, device: string): Promise<string[]> {
  const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
  return Promise.all([peer.caCertificate, peer.sftunnelCertificate, peer.sftunnelKey].map((path) => lab.readFile(device, path).then(sha256, () => '')));
}

/** The sha256 of the three files a prepared renewal stages for a device (CA, certificate, key). */
export function stagedSet(prepared: PreparedRenewal, uuid: string): string[] {
  const staged = prepared.devices.find((d) => d.uuid === uuid);
  return [prepared.ca.sha256, staged?.certificate.sha256 ?? 'not staged', staged?.key.sha256 ?? 'not staged'];
}

/** Which whole set a device holds: `old`, `new`, or `mixed` (a mix of the two, a truncated or a missing file). */
export function whichSet(held: readonly string[], old: readonly string[], renewed: readonly string[]): 'old' | 'new' | 'mixed' {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  return same(held, old) ? 'old' : same(held, renewed) ? 'new' : 'mixed';
}
