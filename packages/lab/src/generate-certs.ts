import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import {
  createCertificateRevocationList,
  Certificate,
  failedPushPath,
  fmcPushedFiles,
  formatFailedPush,
  formatGenerateCertsFailures,
  generateRsaKeyPair,
  ftdPeerFiles,
  reissueSftunnelCertificate,
  renewInternalCA,
  type FailedPushRecord,
  type IssuedCertificate,
  type RsaKeyPair,
} from '@sftunnel-ca/core';
import { defineCommand, type Command } from 'just-bash';
import { onDisk } from './appliance-files.js';
import type { ApplianceRuntime, DialogueIo } from './appliance.js';
import { diskFullAt, diskFullError } from './faults.js';
import { result, type ShellIdentity } from './shell-user.js';
import { generateCertsTime, logTime } from './time-format.js';

/** A device of the FMC as generate_certs.pl sees it. */
export interface GenerateCertsDevice {
  readonly appliance: ApplianceRuntime;
  /** Whether its tunnel to this FMC is up (the push goes over the tunnel). */
  readonly tunnelUp: boolean;
}

/** What {@link runGenerateCerts} works on. */
export interface GenerateCertsParams {
  readonly fmc: ApplianceRuntime;
  readonly devices: readonly GenerateCertsDevice[];
  /** Keys for the new certificates (the lab's key pool); the new CA gets a new key of its own. */
  readonly keys: readonly RsaKeyPair[];
  /** A critical task under way (backup, upgrade…): the script refuses to run. */
  readonly criticalTask?: string | undefined;
  /** Restarts the FMC's tunnels once the files are pushed. */
  restartTunnels(): Promise<void>;
}

const INTRO = [
  'You are about to generate new certificates for FMC and devices.',
  'After successful cert generation, device specific certs will be pushed automatically',
  'If the connection between FMC and a device is down, user needs to copy the certificates onto the device manually',
  'For more details on disconnected devices, use sftunnel_status.pl',
];
const QUESTION = 'Do you want to continue? [yes/no]:';

async function put(root: string, path: string, content: string, mode = 0o644): Promise<void> {
  const full = onDisk(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content, { mode });
}

/**
 * generate_certs.pl on a lab FMC, built on core: asks twice (the second time with the current
 * CA's remaining days), renews the InternalCA keeping its name, re-issues the FMC's and every
 * device's sftunnel certificate, pushes each device's three files where its tunnel is up, prints
 * `Failed to push to <name> = <path>` for the others and writes them to
 * `/var/tmp/certs/<unix-time>/FAILED_PUSH`, logging to `/var/log/sf/sfca_generation.log`.
 *
 * @param params - the FMC, its devices, keys
 * @param io - the console
 * @returns the exit status
 */
export async function runGenerateCerts(params: GenerateCertsParams, io: DialogueIo): Promise<number> {
  const { fmc } = params;
  const { layout, clock } = fmc.services;
  const root = fmc.info.root;
  const logPath = onDisk(root, layout.fmc.renewalLog);
  await mkdir(dirname(logPath), { recursive: true });
  const log = (message: string): Promise<void> => appendFile(logPath, `${logTime(clock.now())} - ${message}\n`);
  io.write(`setting log file to ${layout.fmc.renewalLog}\n\n`);
  if (params.criticalTask !== undefined) {
    io.write(`A critical task (${params.criticalTask}) is in progress. Certificates cannot be generated now; try again once it has completed.\n`);
    await log(`refused: critical task ${params.criticalTask} in progress`);
    return 1;
  }
  io.write(`${INTRO.join('\n')}\n${QUESTION}`);
  if ((await io.readLine())?.trim() !== 'yes') {
    io.write('\n');
    await log('cancelled by the user');
    return 1;
  }
  const caPem = await readFile(onDisk(root, layout.fmc.caCertificate), 'utf8');
  const current = Certificate.fromPem(caPem, layout.fmc.caCertificate);
  const days = Math.trunc((current.notAfter.getTime() - clock.now().getTime()) / 86_400_000);
  io.write(`\n \nCurrent ca_root expires in ${days} days - at ${generateCertsTime(current.notAfter)}\n${QUESTION}`);
  if ((await io.readLine())?.trim() !== 'yes') {
    io.write('\n');
    await log('cancelled by the user');
    return 1;
  }
  io.write('\n');
  const now = clock.now();
  await log('generating a new InternalCA');
  const keys = params.keys;
  const readCertificate = async (path: string): Promise<Certificate> => Certificate.fromPem(await readFile(onDisk(root, path), 'utf8'), path);
  const fmcCurrent = await readCertificate(layout.fmc.sftunnelCertificate);
  const devicesCurrent: Certificate[] = [];
  for (let i = 0; i < params.devices.length; i += 64) {
    devicesCurrent.push(...(await Promise.all(params.devices.slice(i, i + 64).map((d) => readCertificate(fmcPushedFiles(layout, d.appliance.info.uuid).sftunnelCertificate)))));
  }
  // A new key for the new CA (never one the old CA may share), as the vendor's script makes one; serials continue above the old CA's.
  const ca = await renewInternalCA({ current, now, keys: await generateRsaKeyPair({ modulusLength: current.modulusLength }), issued: [fmcCurrent, ...devicesCurrent] });
  const reissue = (certificate: Certificate, index: number): Promise<IssuedCertificate> =>
    reissueSftunnelCertificate({ ca, now, current: certificate, keys: keys[index % keys.length] });
  const fmcIssued = await reissue(fmcCurrent, 0);
  const issued = new Map<string, IssuedCertificate>();
  for (let i = 0; i < params.devices.length; i += 64) {
    const batch = params.devices.slice(i, i + 64);
    const made = await Promise.all(batch.map((d, j) => reissue(devicesCurrent[i + j] as Certificate, i + j + 1)));
    batch.forEach((d, j) => issued.set(d.appliance.info.uuid, made[j] as IssuedCertificate));
  }
  const crl = await createCertificateRevocationList({ ca, now });
  await put(root, layout.fmc.caCertificate, ca.certificate.pem);
  await put(root, layout.fmc.caKey, await ca.privateKeyPem(), 0o600);
  await put(root, layout.fmc.caCrl, crl.pem);
  await put(root, layout.fmc.sftunnelCertificate, fmcIssued.certificate.pem);
  await put(root, layout.fmc.sftunnelKey, fmcIssued.privateKeyPem, 0o600);
  for (const device of params.devices) {
    const made = issued.get(device.appliance.info.uuid);
    if (made === undefined) continue;
    const pushed = fmcPushedFiles(layout, device.appliance.info.uuid);
    await put(root, pushed.sftunnelCertificate, made.certificate.pem);
    await put(root, pushed.sftunnelKey, made.privateKeyPem, 0o600);
  }
  await log(`new InternalCA ${ca.certificate.subject} valid until ${ca.certificate.notAfter.toISOString()}; ${issued.size} device certificates issued`);

  const fmcUuid = fmc.info.uuid;
  const destination = ftdPeerFiles(layout, fmcUuid);
  const failures: FailedPushRecord[] = [];
  for (let i = 0; i < params.devices.length; i += 16) {
    await Promise.all(
      params.devices.slice(i, i + 16).map(async (device) => {
        const made = issued.get(device.appliance.info.uuid);
        if (made === undefined) return;
        try {
          if (!device.tunnelUp) throw new Error('tunnel down');
          if (diskFullAt(device.appliance.faults, destination.caCertificate)) throw diskFullError(destination.caCertificate);
          const deviceRoot = device.appliance.info.root;
          await put(deviceRoot, destination.caCertificate, ca.certificate.pem);
          await put(deviceRoot, destination.sftunnelKey, made.privateKeyPem);
          await put(deviceRoot, destination.sftunnelCertificate, made.certificate.pem);
          await log(`pushed certificates to ${device.appliance.info.name}`);
        } catch (error) {
          await log(`failed to push certificates to ${device.appliance.info.name}: ${(error as Error).message}`);
        }
      }),
    );
  }
  // Report in device order, three lines per failed device, as the vendor's script does.
  for (const device of params.devices) {
    const text = await readFile(onDisk(device.appliance.info.root, destination.caCertificate), 'utf8').catch(() => '');
    if (text === ca.certificate.pem) continue;
    const { uuid, name, address } = device.appliance.info;
    const pushedDirectory = `${layout.fmc.peersDirectory}/${uuid}/${layout.fmc.certsPushedDirectoryName}/`;
    failures.push(
      { deviceUuid: uuid, deviceName: name, deviceAddress: address, sourcePath: layout.fmc.caCertificate, destinationPath: destination.caCertificate },
      { deviceUuid: uuid, deviceName: name, deviceAddress: address, sourcePath: `${pushedDirectory}/${layout.peerFiles.sftunnelKey}`, destinationPath: destination.sftunnelKey },
      { deviceUuid: uuid, deviceName: name, deviceAddress: address, sourcePath: `${pushedDirectory}/${layout.peerFiles.sftunnelCertificate}`, destinationPath: destination.sftunnelCertificate },
    );
  }
  if (failures.length > 0) {
    const unixTime = Math.floor(now.getTime() / 1000);
    const failedPushFile = failedPushPath(layout, unixTime);
    await put(root, failedPushFile, formatFailedPush(failures));
    io.write(formatGenerateCertsFailures({ failures: failures.map((f) => ({ deviceName: f.deviceName, destinationPath: f.destinationPath })), failedPushFile }));
    await log(`${failures.length / 3} devices need the certificates copied manually; see ${failedPushFile}`);
  }
  await params.restartTunnels();
  await log('sftunnel restarted');
  io.write('\nScalars leaked: 1\n');
  return 0;
}

/** Reads answers from a command's standard input, one line each. */
export function stdinDialogue(stdin: string): DialogueIo & { readonly output: string } {
  const lines = stdin.split('\n');
  let output = '';
  return {
    get output() {
      return output;
    },
    write(text: string) {
      output += text;
    },
    readLine: () => Promise.resolve(lines.length === 0 || (lines.length === 1 && lines[0] === '') ? undefined : lines.shift()),
  };
}

/** `generate_certs.pl` as a command (answers read from standard input); FMC and root only. */
export function generateCertsCommand(identity: ShellIdentity): Command {
  return defineCommand('generate_certs.pl', async (_args, ctx) => {
    if (identity.appliance.info.role !== 'fmc') return result('', 'bash: generate_certs.pl: command not found\n', 127);
    if (identity.user !== 'root') return result('', 'generate_certs.pl: must be run as root\n', 1);
    const io = stdinDialogue(typeof ctx.stdin === 'string' ? ctx.stdin : '');
    const code = await identity.appliance.services.generateCerts(identity.appliance, io);
    return result(io.output, '', code);
  });
}
