import { SFTUNNEL_RESTART_COMMAND, fmcPushedFiles, ftdPeerFiles, type Host } from '@sftunnel-ca/core';
import { openAppliance, type DeviceStrategy, type LabAccess } from './lab-access.js';

/** What a vendor-style serial copy measured. */
export interface VendorCopyMeasurement {
  /** Devices attempted. */
  readonly devices: number;
  /** Devices whose three files were copied and whose sftunnel was restarted. */
  readonly copied: number;
  /** From the first connection attempt to the last connection closed, in ms. */
  readonly wallMs: number;
}

const decoder = new TextDecoder();

function singleQuoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The vendor's copy step as `copy_sftunnel_certs.py` does it: one device at a time, connect as root
 * (giving up after `connectTimeoutMs`), copy the FMC's `cacert.pem` and the
 * device's pushed certificate and key over the device's three files, `pmtool restartbyid sftunnel`,
 * close. No backup, no verification, no waiting for the tunnel: the script's steps only.
 *
 * @param access - the lab
 * @param fmc - the FMC, as root (the script runs on it and reads its files locally)
 * @param names - the devices, in order
 * @param options - the script's 20 s connect timeout; how devices are reached (the renewer's way, for a fair comparison)
 */
export async function vendorSerialCopy(
  access: LabAccess,
  fmc: Host,
  names: readonly string[],
  options: { readonly connectTimeoutMs: number; readonly strategy: DeviceStrategy },
): Promise<VendorCopyMeasurement> {
  const byName = new Map(access.devices.map((d) => [d.name, d]));
  const destinations = ftdPeerFiles(access.layout, access.fmc.uuid);
  const read = async (path: string): Promise<string> => decoder.decode(await fmc.readFile(path));
  const start = performance.now();
  let copied = 0;
  for (const name of names) {
    const device = byName.get(name);
    if (device === undefined) throw new Error(`${name} is not a device of the lab`);
    const pushed = fmcPushedFiles(access.layout, device.uuid);
    const files: readonly (readonly [string, string])[] = [
      [destinations.caCertificate, await read(access.layout.fmc.caCertificate)],
      [destinations.sftunnelCertificate, await read(pushed.sftunnelCertificate)],
      [destinations.sftunnelKey, await read(pushed.sftunnelKey)],
    ];
    let host: Host | undefined;
    try {
      host = await openAppliance(device, options);
      for (const [path, content] of files) await host.run(`cat > ${singleQuoted(path)}`, { stdin: content });
      await host.run(SFTUNNEL_RESTART_COMMAND);
      copied += 1;
    } catch {
      // "Could not connect to <name>": the script logs it and goes on with the next device.
    } finally {
      await host?.close().catch(() => undefined);
    }
  }
  return { devices: names.length, copied, wallMs: performance.now() - start };
}
