/**
 * Render a renewal's progress your own way. The engine reports typed events — `prepare:progress`,
 * `run:start`, `device:step`, `device:done`, `fmc:switch`, `run:done` — to an `onEvent` function;
 * the CLI's task list, its JSON output and the exporter are consumers like this one. Here: a
 * line per finished device with the steps it went through, and a summary.
 *
 *   npx tsx examples/custom-progress.ts                   (a lab: 5 FTDs, CA expiring, one tunnel down)
 *   FMC_HOST=192.0.2.10 SFTUNNEL_CA_PASSWORD_FILE=~/.fmc-password npx tsx examples/custom-progress.ts devices.csv
 */
import { readFile } from 'node:fs/promises';
import { deliverRenewal, type DeviceStep, inspectFmc, matchInventoryRows, parseDevicesCsv, planRenewal, prepareRenewal, type RenewalReporter } from '@sftunnel-ca/core';
import { SshHost } from '@sftunnel-ca/transport';
import { exampleTarget } from './target.js';

// The reporter: a plain function of one event. It must not throw (the engine does not wait for it).
const steps = new Map<string, DeviceStep[]>();
const onEvent: RenewalReporter = (event) => {
  switch (event.type) {
    case 'prepare:progress':
      if (event.generated === event.total) console.log(`keys      ${event.generated} of ${event.total} generated`);
      break;
    case 'run:start':
      console.log(`run:start ${event.fmc}: ${event.devices} devices from ${event.stagingDirectory}`);
      break;
    case 'device:step':
      steps.set(event.name, [...(steps.get(event.name) ?? []), event.step]);
      break;
    case 'device:done': {
      const { name, outcome, cause, durationMs } = event.result;
      console.log(`device    ${name} ${outcome}${cause === undefined ? '' : ` (${cause})`} in ${(durationMs / 1000).toFixed(1)} s: ${(steps.get(name) ?? []).join(' › ')}`);
      break;
    }
    case 'fmc:switch':
      console.log(`fmc       ${event.fmc} switch ${event.phase}`);
      break;
    case 'run:done':
      console.log(`run:done  ${Object.entries(event.result.counts).filter(([, n]) => n > 0).map(([outcome, n]) => `${n} ${outcome}`).join(', ')} in ${(event.result.durationMs / 1000).toFixed(1)} s`);
      if (event.result.counts.renewed !== event.result.devices.length) process.exitCode = 1;
      break;
  }
};

const target = await exampleTarget({ devices: 5, caState: 'expiring', tunnels: { down: [3] } });
const fmc = await SshHost.connect(target.fmc);
try {
  const rows = parseDevicesCsv(await readFile(target.devicesCsv ?? 'devices.csv', 'utf8'));
  const now = new Date();
  const inspection = await inspectFmc(fmc, { now });
  const { rows: rowOf } = matchInventoryRows(rows, inspection.devices);
  const plan = planRenewal(inspection, { now, only: [...rowOf.keys()] });
  // The same reporter serves preparation (key generation) and delivery.
  const prepared = await prepareRenewal(fmc, inspection, plan, { now, onEvent });
  await deliverRenewal(fmc, plan, prepared, {
    now: () => new Date(),
    onEvent,
    connect: async (device, signal) => {
      const row = rowOf.get(device.uuid)!;
      return SshHost.connect({
        name: row.name,
        host: row.address,
        port: row.port,
        username: row.user,
        password: await row.password.resolve({ env: process.env, readFile: (path) => readFile(path, 'utf8') }),
        strategy: 'expert',
        hostKeys: { knownHostsFiles: [target.knownHosts] },
        signal,
      });
    },
  });
} finally {
  await fmc.close();
  await target.stop();
}
