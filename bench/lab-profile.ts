/**
 * Where the lab's CPU goes while a fleet is renewed: starts a lab of N devices in this process, renews
 * it from a renewing process of its own (keys prepared ahead, zero latency), and reports the lab's and
 * the renewer's CPU per device. With `--prof FILE` the lab process is profiled (V8's sampling profiler,
 * as `node --cpu-prof` does, but only while the renewal or the sessions run) and its top functions are printed.
 *
 * With `--sessions` it renews nothing: the renewing process opens every device, runs `true` 0 and
 * then 10 times in it and closes it, and the lab's CPU per session and per command is printed.
 *
 *   tsx bench/lab-profile.ts [--devices 60] [--strategy expert|direct] [--concurrency 32] [--prof FILE] [--sessions]
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { startLab } from '@sftunnel-ca/lab';
import { summarizeCpuProfile, type CpuProfile } from './cpu-profile-summary.js';
import { deviceNames } from './fleet-scenarios.js';
import { labAccess, type DeviceStrategy } from './lab-access.js';
import { REALISTIC_LATENCY } from './realistic-latency.js';
import { runInRenewer } from './renewer-process.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '60' },
    strategy: { type: 'string', default: 'expert' },
    concurrency: { type: 'string', default: '32' },
    prof: { type: 'string' },
    top: { type: 'string', default: '25' },
    sessions: { type: 'boolean', default: false },
  },
});
const devices = Number(values.devices);
const strategy = values.strategy as DeviceStrategy;
if (strategy !== 'expert' && strategy !== 'direct') throw new Error(`--strategy must be expert or direct, got ${values.strategy}`);

const lab = await startLab({ devices: deviceNames(devices).map((name) => ({ name })), caState: 'expired', tunnels: 'down', direct: true });
const perDevice = (ms: number): string => `${(ms / devices).toFixed(1)} ms/device`;

/** The lab's CPU (this process) while the renewing process runs the sessions job. */
async function sessionsLabCpuMs(commands: number): Promise<number> {
  const before = process.cpuUsage();
  await runInRenewer({ kind: 'sessions', access: labAccess(lab), deviceStrategy: strategy, commands, concurrency: Number(values.concurrency) });
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

const session = new Session();
try {
  if (values.prof !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  }
  if (values.sessions) {
    const bare = await sessionsLabCpuMs(0);
    const busy = await sessionsLabCpuMs(10);
    console.log(`${devices} devices, ${strategy}: a session (log in, to root, close) ${perDevice(bare)} of lab CPU; a command (\`true\`) ${((busy - bare) / devices / 10).toFixed(2)} ms`);
  } else {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const { result, usage } = await runInRenewer({
      kind: 'renewal',
      access: labAccess(lab),
      mode: 'prepared-ahead',
      concurrency: Number(values.concurrency),
      connectTimeoutMs: REALISTIC_LATENCY.connectTimeoutMs,
      deviceStrategy: strategy,
    });
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const labCpuMs = (cpu.user + cpu.system) / 1000;
    const up = lab.tunnels().filter((t) => t.manager === lab.fmc.name && t.state === 'connected').length;
    console.log(`${devices} devices, ${strategy}, keys prepared ahead, zero latency, ${values.concurrency} in flight`);
    console.log(`renewed ${result.counts.renewed ?? 0}, tunnels up ${up}, failures ${JSON.stringify(result.failures)}`);
    console.log(`wall ${(wallMs / 1000).toFixed(1)} s (prepare ${((result.prepareMs ?? 0) / 1000).toFixed(1)} s, delivery ${((result.deliveryMs ?? 0) / 1000).toFixed(1)} s)`);
    console.log(`lab CPU ${(labCpuMs / 1000).toFixed(1)} s = ${perDevice(labCpuMs)}; renewer CPU ${(usage.cpuMs / 1000).toFixed(1)} s = ${perDevice(usage.cpuMs)}`);
  }
  if (values.prof !== undefined) {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    await writeFile(values.prof, JSON.stringify(profile));
    console.log(`\nprofile: ${values.prof}\n${summarizeCpuProfile(profile, Number(values.top))}`);
  }
} finally {
  session.disconnect();
  await lab.stop();
}
