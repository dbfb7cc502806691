/**
 * From a jump server, renew an FMC HA pair in the vendor's order: the primary first, then the
 * secondary, each with its own new InternalCA, each delivering to every device over SSH from
 * here — the machine that can reach them all (the vendor's copy_sftunnel_certs_jumpserver.py).
 * Each device ends up holding both new CAs, with both tunnels up.
 *
 *   npx tsx examples/jump-server-ha-pair.ts               (a lab: an HA pair and 4 FTDs, CA expired)
 *   npx tsx examples/jump-server-ha-pair.ts devices.csv   (KNOWN_HOSTS: the known_hosts to check keys against)
 *
 * devices.csv, as the vendor's jump-server file: the primary FMC first, then its devices, then the
 * HA peer; with a header `name,ip,user,password,port,role` and role `fmc`, `ftd` or `ha-peer`.
 * A password cell is `env:VAR` or `file:PATH`. Where even this machine cannot reach a device
 * directly, SshHost.connect takes `jump: [{ host, username, agent: true }]` (OpenSSH ProxyJump).
 */
import { readFile } from 'node:fs/promises';
import { deliverRenewal, type DeviceRow, inspectFmc, matchInventoryRows, parseDevicesCsv, parseSftunnelStatus, planRenewal, prepareRenewal } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { exampleTarget } from './target.js';

const target = await exampleTarget({ devices: 4, ha: true, caState: 'expired' });
const rows = parseDevicesCsv(await readFile(target.devicesCsv!, 'utf8'));
const [primary, ...others] = rows;
const secondary = others.find((r) => r.role === 'ha-peer');
const devices = others.filter((r) => r.role !== 'ha-peer' && r.role !== 'fmc');

/** Logs in to a row's appliance (CLI → expert → sudo su), its host key checked against known_hosts. */
const connect = async (row: DeviceRow, signal?: AbortSignal): Promise<SshHost> =>
  SshHost.connect({
    name: row.name,
    host: row.address,
    port: row.port,
    username: row.user,
    password: await row.password.resolve({ env: process.env, readFile: (path) => readFile(path, 'utf8') }),
    strategy: 'auto',
    hostKeys: { knownHostsFiles: [target.knownHosts] },
    ...(signal === undefined ? {} : { signal }),
  });

try {
  // One FMC after the other, never both at once: the secondary starts once the primary is done.
  for (const fmcRow of [primary!, ...(secondary === undefined ? [] : [secondary])]) {
    const fmc = await connect(fmcRow);
    try {
      const now = new Date();
      const inspection = await inspectFmc(fmc, { now });
      // This FMC's devices among the rows (an HA pair manages the same devices).
      const mine = matchInventoryRows(devices, inspection.devices).rows;
      const plan = planRenewal(inspection, { now, only: [...mine.keys()] });
      const prepared = await prepareRenewal(fmc, inspection, plan, { now });
      const result = await deliverRenewal(fmc, plan, prepared, { now: () => new Date(), connect: (device, signal) => connect(mine.get(device.uuid)!, signal) });
      const peers = parseSftunnelStatus((await fmc.run('sftunnel_status.pl')).stdout);
      console.log(
        `${fmcRow.name}: new InternalCA ${prepared.ca.certificate.fingerprintSha256.slice(0, 16)}…, ` +
          `${result.counts.renewed} of ${result.devices.length} devices renewed, ${peers.filter((p) => p.state === 'up').length} of ${peers.length} tunnels up`,
      );
      if (result.counts.renewed !== result.devices.length) process.exitCode = 1;
    } finally {
      await fmc.close();
    }
  }
} finally {
  await target.stop();
}
