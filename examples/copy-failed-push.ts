/**
 * The copy step of the vendor's procedure, for the devices generate_certs.pl could not push to:
 * read the newest FAILED_PUSH on the FMC, then copy the FMC's new CA and each device's own pair
 * from `certs_pushed/` over SSH, back up the old files as `*.backup` and restart sftunnel — what
 * `copy_sftunnel_certs.py devices.csv` does, in parallel, with the vendor's log.
 *
 *   npx tsx examples/copy-failed-push.ts                  (a lab: generate_certs.pl run with 2 of 5 tunnels down)
 *   FMC_HOST=192.0.2.10 SFTUNNEL_CA_PASSWORD_FILE=~/.fmc-password npx tsx examples/copy-failed-push.ts devices.csv
 */
import { readFile } from 'node:fs/promises';
import { copyFromDevicesCsv, findNewestFailedPush, matchInventoryRows, parseDevicesCsv, parseFailedPush, parseSftunnelStatus, SftunnelCaError } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { exampleTarget } from './target.js';

const target = await exampleTarget({ devices: 5, caState: 'expired', tunnels: { down: [1, 3] } });
const fmc = await SshHost.connect(target.fmc);
try {
  // In the lab, first play the vendor's step 2: generate_certs.pl renews the CA, pushes over the
  // tunnels that are up, and lists the devices it could not reach in FAILED_PUSH.
  if (target.lab !== undefined) await fmc.run('generate_certs.pl', { stdin: 'yes\nyes\n' });

  // 1. The newest /var/tmp/certs/<unix-time>/FAILED_PUSH, parsed: three lines per device.
  const newest = findNewestFailedPush(await fmc.list('/var/tmp/certs'));
  if (newest === undefined) throw new SftunnelCaError('FILE_NOT_FOUND', 'no generate_certs.pl run on the FMC: /var/tmp/certs/<unix-time>/ is missing', { host: fmc.name });
  const failedPush = parseFailedPush(new TextDecoder().decode(await fmc.readFile(newest.path)), { file: newest.path });
  console.log(`${newest.path}: ${failedPush.devices.map((d) => `${d.name} (${d.address})`).join(', ') || 'nothing failed'}`);

  // 2. The FMC's row (the first) and the rows of the devices FAILED_PUSH lists, from devices.csv.
  const rows = parseDevicesCsv(await readFile(target.devicesCsv ?? 'devices.csv', 'utf8'));
  const failed = [...matchInventoryRows(rows, failedPush.devices).rows.values()];

  // 3. The copy run: the FMC's files are read once, each device gets its own pair, up to 16 at a time.
  const result = await copyFromDevicesCsv([rows[0]!, ...failed], {
    now: () => new Date(),
    connect: async (row, signal) =>
      SshHost.connect({
        name: row.name,
        host: row.address,
        port: row.port,
        username: row.user,
        password: await row.password.resolve({ env: process.env, readFile: (path) => readFile(path, 'utf8') }),
        strategy: 'auto', // CLI → expert → sudo su where the login lands in the CLI
        hostKeys: { knownHostsFiles: [target.knownHosts] },
        signal,
      }),
  });
  process.stdout.write(result.log); // the vendor's log: Attempting connection…, Successfully copied…, Restarting sftunnel…
  console.log(`copied ${result.counts.copied}, failed ${result.counts.failed}`);

  // 4. The tunnels as the FMC sees them.
  const peers = parseSftunnelStatus((await fmc.run('sftunnel_status.pl')).stdout);
  console.log(`${peers.filter((p) => p.state === 'up').length} of ${peers.length} tunnels up`);
  process.exitCode = result.counts.failed === 0 ? 0 : 1;
} finally {
  await fmc.close();
  await target.stop();
}
