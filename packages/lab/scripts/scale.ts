/**
 * Starts and stops a large lab and prints what it took: `pnpm --filter @sftunnel-ca/lab scale [devices]`.
 * Measures start time, resident memory, restart (TLS handshake) rate, SSH logins, and that stop()
 * leaves no listener or directory behind.
 */
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { Client } from 'ssh2';
import { startLab, type LabAppliance } from '../src/index.js';

const count = Number(process.argv[2] ?? 1000);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

/** Logs in to an appliance and runs one command, its host key pinned to the one the lab reports. */
function login({ address, sshPort: port, username, password, hostPublicKey }: LabAppliance): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on('ready', () => client.exec('show version', (error, stream) => {
      if (error) return reject(error);
      stream.resume();
      stream.on('close', () => {
        client.end();
        resolve();
      });
    }));
    client.on('error', reject);
    client.connect({ host: address, port, username, password, hostVerifier: (key: Buffer) => key.toString('base64') === hostPublicKey.split(' ')[1] });
  });
}

const rssBefore = process.memoryUsage().rss;
let started = performance.now();
const lab = await startLab({ devices: count, caState: 'expiring' });
const startMs = performance.now() - started;
const rss = process.memoryUsage().rss;
console.log(`devices: ${count} (+ FMC), tunnels up: ${lab.tunnels().filter((t) => t.state === 'connected').length}`);
console.log(`start: ${(startMs / 1000).toFixed(1)} s, RSS ${mb(rss)} (before start ${mb(rssBefore)})`);

started = performance.now();
await lab.restartTunnel(lab.fmc.name);
const restartMs = performance.now() - started;
console.log(`FMC pmtool restart (every tunnel, 16 at a time): ${(restartMs / 1000).toFixed(1)} s = ${((count / restartMs) * 1000).toFixed(0)} handshakes/s`);

started = performance.now();
const sample = lab.devices.slice(0, Math.min(200, count));
for (let i = 0; i < sample.length; i += 16) await Promise.all(sample.slice(i, i + 16).map((d) => login(d)));
const loginMs = performance.now() - started;
console.log(`SSH login + exec on ${sample.length} devices, 16 in flight: ${(loginMs / 1000).toFixed(1)} s = ${((sample.length / loginMs) * 1000).toFixed(0)}/s`);
console.log(`RSS after: ${mb(process.memoryUsage().rss)}`);

const { dir } = lab;
const probe = lab.devices[0];
started = performance.now();
await lab.stop();
console.log(`stop: ${(performance.now() - started).toFixed(0)} ms; directory left: ${existsSync(dir)}`);
if (probe !== undefined) {
  const refused = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: probe.address, port: probe.sshPort });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
  console.log(`listener left: ${!refused}`);
}
console.log(`active handles after stop: ${(process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length}`);
