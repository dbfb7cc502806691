/**
 * Rehearse a renewal before the change window, on a lab built like your fleet: an FMC whose
 * InternalCA has expired, some tunnels already down, one device unreachable and one that only
 * reconnects when its own sftunnel restarts. Renew, read FAILED_PUSH, bring the device back,
 * finish with a copy run from the same staged files, and check every tunnel — over real SSH and
 * real TLS on loopback addresses, nothing outside this process touched.
 *
 *   npx tsx examples/lab-rehearsal.ts
 *   npx tsx examples/lab-rehearsal.ts --devices 10 --down 3 --ca-state expiring
 */
import { parseArgs } from 'node:util';
import { deliverRenewal, inspectFmc, loadPreparedRenewal, planRenewal, prepareRenewal, Secret, type DeliverRenewalOptions } from '@sftunnel-ca/core';
import { startLab, type LabCaState } from '@sftunnel-ca/lab';
import { SshHost } from '@sftunnel-ca/transport';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '8' }, down: { type: 'string', default: '2' }, 'ca-state': { type: 'string', default: 'expired' } } });
const size = Number(values.devices);

// 1. The lab: tunnels 0..down-1 down, the last device unreachable, the one before it slow to reconnect.
const unreachable = `FTD-${String(size).padStart(4, '0')}`;
const stubborn = `FTD-${String(size - 1).padStart(4, '0')}`;
const lab = await startLab({
  devices: size,
  caState: values['ca-state'] as LabCaState,
  tunnels: { down: Array.from({ length: Number(values.down) }, (_, i) => i) },
  faults: { [unreachable]: { unreachable: true }, [stubborn]: { reconnectsOnlyWhenRestarted: true } },
  direct: true, // lab appliances also accept root over SSH (exec and SFTP): the fastest way in
});
const login = (name: string, signal?: AbortSignal): Promise<SshHost> => {
  const appliance = lab.appliance(name);
  return SshHost.connect({
    name,
    host: appliance.address,
    port: appliance.sshPort,
    username: 'root',
    password: new Secret(appliance.password),
    strategy: 'direct',
    hostKeys: { fingerprints: [appliance.hostKeyFingerprint] }, // pinned: never trusted blindly
    connectTimeoutMs: 3_000,
    retry: { attempts: 1 },
    ...(signal === undefined ? {} : { signal }),
  });
};
const fmc = await login(lab.fmc.name);
try {
  const before = lab.tunnels().filter((t) => t.state === 'connected').length;
  const deliver: DeliverRenewalOptions = { now: () => lab.clock.now(), connect: (device, signal) => login(device.name, signal) };

  // 2. The renewal: everything staged first, then delivered; the unreachable device fails and is listed in FAILED_PUSH.
  const now = lab.clock.now();
  const inspection = await inspectFmc(fmc, { now });
  console.log(`InternalCA: ${inspection.ca.verdict.message}`);
  const plan = planRenewal(inspection, { now });
  const prepared = await prepareRenewal(fmc, inspection, plan, { now });
  const first = await deliverRenewal(fmc, plan, prepared, deliver);
  for (const d of first.devices.filter((x) => x.outcome !== 'renewed')) console.log(`${d.name}: ${d.outcome} at ${d.step} (${d.cause})`);
  console.log(`renewal:  ${first.counts.renewed} of ${first.devices.length} renewed, FAILED_PUSH ${first.failedPushPath ?? 'empty'}`);

  // 3. The device is back; a copy run of the failed devices from the same staging directory.
  await lab.setFaults(unreachable, {});
  const failed = first.devices.filter((d) => d.outcome === 'failed').map((d) => d.uuid);
  const after = await inspectFmc(fmc, { now: lab.clock.now() });
  const copyPlan = planRenewal(after, { now: lab.clock.now(), only: failed, stagingDirectory: prepared.stagingDirectory });
  const copy = await deliverRenewal(fmc, copyPlan, await loadPreparedRenewal(fmc, after, prepared.stagingDirectory), deliver);
  console.log(`copy run: ${copy.counts.renewed} of ${copy.devices.length} renewed`);

  // 4. The lab's own view: every tunnel, on the new CA.
  const up = lab.tunnels().filter((t) => t.state === 'connected').length;
  console.log(`tunnels:  ${before} of ${lab.devices.length} up before, ${up} of ${lab.devices.length} up after`);
  process.exitCode = up === lab.devices.length ? 0 : 1;
} finally {
  await fmc.close();
  await lab.stop();
}
