/**
 * The renewing process: runs one {@link AnyRenewerJob} received over IPC and answers with what it
 * measured and what the process used, so the renewal's CPU time and peak RSS are its own, apart
 * from the lab's.
 */
import { nativeCrypto } from '@sftunnel-ca/core';
import { generateWithOpenssl, generateWithProvider, keyRate } from './key-generation.js';
import { openAppliance, type DeviceStrategy, type LabAccess } from './lab-access.js';
import { measureRenewal } from './renewal-run.js';
import type { AnyRenewerJob, RenewerJobKind, RenewerJobs, RenewerReply } from './renewer-job.js';
import { vendorSerialCopy } from './vendor-copy.js';
import type { SshHost } from '@sftunnel-ca/transport';

async function withFmc<T>(access: LabAccess, work: (fmc: SshHost) => Promise<T>): Promise<T> {
  const fmc = await openAppliance(access.fmc, { strategy: 'direct', connectTimeoutMs: 20_000 });
  try {
    return await work(fmc);
  } finally {
    await fmc.close();
  }
}

/** Opens every device of the lab, runs `true` `commands` times in it and closes it, `concurrency` devices at once. */
async function openSessions(access: LabAccess, job: { readonly deviceStrategy: DeviceStrategy; readonly commands: number; readonly concurrency: number }): Promise<{ readonly devices: number }> {
  const queue = [...access.devices];
  const worker = async (): Promise<void> => {
    for (let device = queue.shift(); device !== undefined; device = queue.shift()) {
      const host = await openAppliance(device, { strategy: job.deviceStrategy, connectTimeoutMs: 20_000 });
      try {
        for (let i = 0; i < job.commands; i++) await host.run('true');
      } finally {
        await host.close();
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { devices: access.devices.length };
}

function perform(job: AnyRenewerJob): Promise<RenewerJobs[RenewerJobKind]['output']> {
  switch (job.kind) {
    case 'provider-keys':
      return keyRate(job.keys, () => generateWithProvider(job.keys, nativeCrypto, job.concurrency));
    case 'openssl-keys':
      return keyRate(job.keys, () => generateWithOpenssl(job.keys, job.processes));
    case 'renewal':
      return withFmc(job.access, (fmc) => measureRenewal(job.access, fmc, job));
    case 'sessions':
      return openSessions(job.access, job);
    case 'vendor-copy':
      return withFmc(job.access, (fmc) => vendorSerialCopy(job.access, fmc, job.devices, { connectTimeoutMs: job.connectTimeoutMs, strategy: job.deviceStrategy }));
  }
}

process.once('message', (job: AnyRenewerJob) => {
  const startRssBytes = process.memoryUsage().rss;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const reply = (message: RenewerReply): void => {
    process.send?.(message, () => {
      process.disconnect();
      setTimeout(() => process.exit(0), 5_000).unref(); // a connection that outlives the job must not keep the process
    });
  };
  perform(job).then(
    (result) => {
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      reply({ ok: true, result, usage: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024, startRssBytes } });
    },
    (error: unknown) => reply({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
