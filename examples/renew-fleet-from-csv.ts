/**
 * Renew an FMC's InternalCA and deliver the new files to the devices a devices.csv lists:
 * inspect → plan → preflight (critical tasks, clocks, disk space, every device reachable; nothing
 * changed) → renewFleet (keys generated and staged on the FMC while devices are delivered, then the
 * FMC switches once), and a final look at the tunnels through the FMC's own `sftunnel_status.pl`.
 * (examples/custom-progress.ts does the same with prepareRenewal and deliverRenewal, step by step.)
 *
 *   npx tsx examples/renew-fleet-from-csv.ts              (a lab: 6 FTDs, CA expired, one tunnel down)
 *   FMC_HOST=192.0.2.10 SFTUNNEL_CA_PASSWORD_FILE=~/.fmc-password npx tsx examples/renew-fleet-from-csv.ts devices.csv
 *
 * devices.csv: `name,ip,user,password,port,role` (the vendor's `name, ip, admin user, password`
 * without a header works too); a password cell is `env:VAR` or `file:PATH` rather than the password.
 */
import { readFile } from 'node:fs/promises';
import {
  assertPreflightPassed,
  formatRenewalPlan,
  inspectFmc,
  matchInventoryRows,
  parseDevicesCsv,
  parseSftunnelStatus,
  planRenewal,
  preflightRenewal,
  renewFleet,
  SftunnelCaError,
  type DeliverRenewalOptions,
} from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { exampleTarget } from './target.js';

const target = await exampleTarget({ devices: 6, caState: 'expired', tunnels: { down: [2] } });
const fmc = await SshHost.connect(target.fmc);
try {
  // 1. The devices and how to reach them; rows of role `fmc` or `ha-peer` are not devices.
  const rows = parseDevicesCsv(await readFile(target.devicesCsv ?? 'devices.csv', 'utf8'), { file: target.devicesCsv });
  const now = new Date();
  const inspection = await inspectFmc(fmc, { now });

  // 2. Match each row to a device the FMC knows (by address, else by name) and plan only those.
  const { rows: byUuid, unmatched } = matchInventoryRows(rows.filter((r) => r.role !== 'ha-peer'), inspection.devices);
  const unknown = unmatched[0];
  if (unknown !== undefined) throw new SftunnelCaError('RENEWAL_DEVICE_UNKNOWN', `${unknown.name} is not a device of ${inspection.host}`, { file: target.devicesCsv, line: unknown.line });
  const plan = planRenewal(inspection, { now, only: [...byUuid.keys()], canary: 1 });
  console.log(formatRenewalPlan(plan).split('\ndevice ')[0]); // the plan's summary; the rest lists every file of every device

  // How a device is reached: its row's address, port, user and password, its host key in known_hosts.
  const connect: DeliverRenewalOptions['connect'] = async (device, signal) => {
    const row = byUuid.get(device.uuid)!;
    return SshHost.connect({
      name: row.name,
      host: row.address,
      port: row.port,
      username: row.user,
      password: await row.password.resolve({ env: process.env, readFile: (path) => readFile(path, 'utf8') }),
      strategy: 'expert', // the FTD's CLI → expert → sudo su
      hostKeys: { knownHostsFiles: [target.knownHosts] },
      signal,
    });
  };

  // 3. Preflight: changes nothing; throws PREFLIGHT_REFUSED (naming the failed probes) when the run must not start.
  const preflight = await preflightRenewal(fmc, inspection, plan, { connect, now: () => new Date() });
  console.log(`preflight: ${preflight.counts.pass} pass, ${preflight.counts.warn} warn, ${preflight.counts.fail} fail`);
  for (const f of preflight.findings.filter((x) => x.verdict !== 'pass')) console.log(`  ${f.verdict} ${f.probe} ${f.device?.name ?? 'FMC'}: ${f.message}`);
  assertPreflightPassed(preflight);

  // 4. The renewal: a canary first, then the others in parallel; stop starting new ones past 20 % failures.
  const result = await renewFleet(fmc, inspection, plan, { connect, now: () => new Date(), maxFailures: '20%' });

  // The result is data: one record per device.
  for (const d of result.devices) console.log(`${d.name.padEnd(10)} ${d.address.padEnd(15)} ${d.outcome.padEnd(9)} ${d.cause ?? ''}`);
  console.log(`${result.counts.renewed} of ${result.devices.length} devices renewed; FMC switched: ${result.fmcSwitched}`);
  if (result.failedPushPath !== undefined) console.log(`FAILED_PUSH: ${result.failedPushPath} (see examples/copy-failed-push.ts)`);

  // 5. The tunnels as the FMC sees them.
  const peers = parseSftunnelStatus((await fmc.run('sftunnel_status.pl')).stdout);
  console.log(`${peers.filter((p) => p.state === 'up').length} of ${peers.length} tunnels up`);
  process.exitCode = result.counts.renewed === result.devices.length ? 0 : 1;
} finally {
  await fmc.close();
  await target.stop();
}
