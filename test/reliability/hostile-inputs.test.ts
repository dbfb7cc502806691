/**
 * Hostile inputs, each refused or handled, nothing written outside the layout:
 * - on devices: a symlinked destination file and a symlinked peer directory (each pointing
 *   elsewhere on the device: refused with `DEVICE_PATH_SYMLINK`, the device's files as they were,
 *   nothing written through the link), huge and binary
 *   current files, a file holding fake prompts and a fake command sentinel (read through the
 *   expert shell, whose framing must not be fooled);
 * - on the FMC: sftunnel.conf pointing `proxy_cacert` somewhere odd;
 * - FAILED_PUSH naming paths outside the layout; a devices.csv whose cells hold paths and shell
 *   (names are only ever text, devices are found by address); CSV-injection names in the CSV we write.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import {
  copyFromDevicesCsv,
  DevicePassword,
  formatDevicesCsv,
  ftdPeerFiles,
  inspectFmc,
  isSftunnelCaError,
  parseDevicesCsv,
  parseFailedPush,
  type SftunnelCaErrorCode,
} from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { connectAppliance, connectRow, renewLabFmc, useLabFmc } from '../renewal/lab-fleet.js';
import { applianceTree, changesOutside } from './appliance-tree.js';
import { heldSet, stagedSet } from './device-sets.js';

const FAKE_FRAMING = [
  'root@fake-prompt:/home/admin# ',
  'admin@fake-prompt:~$ sudo su',
  'Password:',
  'Sorry, try again.',
  `SFTCA${'0'.repeat(24)}:1 0`,
  `SFTCA${'0'.repeat(24)}:closed`,
  '\u001b[31m> \u001b[0m',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

async function refusal(action: () => Promise<unknown>): Promise<SftunnelCaErrorCode | 'accepted'> {
  try {
    await action();
    return 'accepted';
  } catch (error) {
    if (isSftunnelCaError(error)) return error.code;
    throw error;
  }
}

describe('reliability › hostile inputs', () => {
  const fleet = useLabFmc({ devices: [{ name: 'symlinked' }, { name: 'symlinked-dir' }, { name: 'huge' }, { name: 'binary' }, { name: 'fake-prompt' }], caState: 'expiring', direct: ['FMCpri'] });
  const outcomes: string[] = [];

  it('an sftunnel.conf pointing proxy_cacert somewhere odd is refused before anything is written', async () => {
    const { lab, fmc } = fleet;
    const confPath = lab.path(lab.fmc.name, lab.layout.fmc.sftunnelConf);
    const conf = await readFile(confPath, 'utf8');
    const device = lab.devices[0]!;
    await mkdir(lab.path(lab.fmc.name, '/tmp'), { recursive: true });
    await writeFile(lab.path(lab.fmc.name, '/tmp/cacert.pem'), await lab.readFile(lab.fmc.name, lab.layout.fmc.caCertificate));
    const odd = [
      '/etc/shadow',
      '/etc/sf/ca_root/../ca_root/cacert.pem',
      'ca_root/cacert.pem',
      lab.layout.fmc.sftunnelCertificate,
      posix.join(lab.layout.fmc.peersDirectory, device.uuid, lab.layout.fmc.certsPushedDirectoryName, 'sftunnel-cert.pem'),
      '/tmp/cacert.pem',
    ];
    const before = await applianceTree(lab.appliance(lab.fmc.name).root);
    try {
      for (const path of odd) {
        await writeFile(confPath, conf.replace(/proxy_cacert\s+[^;]+;/, `proxy_cacert ${path};`));
        const outcome = await refusal(() => inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout }));
        outcomes.push(`proxy_cacert ${path}: ${outcome}`);
        expect(outcome, path).not.toBe('accepted');
      }
    } finally {
      await writeFile(confPath, conf);
    }
    expect(changesOutside(before, await applianceTree(lab.appliance(lab.fmc.name).root), (p) => p === lab.layout.fmc.sftunnelConf || p.startsWith('/var/log/'))).toEqual([]);
  });

  it('FAILED_PUSH lines naming paths outside the layout are refused', () => {
    const { lab } = fleet;
    const device = lab.devices[0]!;
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const source = `/var/tmp/certs/1750000000/peers/${device.uuid}/sftunnel-cert.pem`;
    const lines = {
      'destination /etc/shadow': `${device.uuid} ${device.name} ${device.address} ${source} /etc/shadow`,
      'destination climbing out with ..': `${device.uuid} ${device.name} ${device.address} ${source} ${peer.sftunnelCertificate.replace('/var/sf/peers/', '/var/sf/peers/../../etc/')}`,
      'relative destination': `${device.uuid} ${device.name} ${device.address} ${source} var/sf/peers/${lab.fmc.uuid}/sftunnel-cert.pem`,
      'another FMC directory name': `${device.uuid} ${device.name} ${device.address} ${source} /var/sf/peers/not-a-uuid/sftunnel-cert.pem`,
      'source climbing out with ..': `${device.uuid} ${device.name} ${device.address} /var/tmp/certs/../../etc/sftunnel-cert.pem ${peer.sftunnelCertificate}`,
      'a key delivered as the certificate': `${device.uuid} ${device.name} ${device.address} /etc/sf/keys/sftunnel-key.pem ${peer.sftunnelCertificate}`,
    };
    for (const [what, line] of Object.entries(lines)) {
      let outcome = 'accepted';
      try {
        parseFailedPush(`${line}\n`, { layout: lab.layout, fmcUuid: lab.fmc.uuid });
      } catch (error) {
        if (!isSftunnelCaError(error)) throw error;
        outcome = error.code;
      }
      outcomes.push(`FAILED_PUSH ${what}: ${outcome}`);
      expect(outcome, what).toBe('FAILED_PUSH_UNSAFE_PATH');
    }
  });

  it('CSV-injection names are refused in the devices.csv we write, and read back as plain text', () => {
    const row = (name: string) => ({ line: 1, name, address: '127.0.0.1', user: 'admin', password: DevicePassword.fromCell('env:FTD_PASSWORD'), port: 22, keyFile: undefined, jumpHost: undefined, role: undefined });
    for (const name of ['=cmd|\' /C calc\'!A0', '+SUM(1+1)', '-2+3', '@SUM(A1)', '\tTAB', '=HYPERLINK("http://x")']) {
      let outcome = 'written';
      try {
        formatDevicesCsv([row(name)]);
      } catch (error) {
        if (!isSftunnelCaError(error)) throw error;
        outcome = error.code;
      }
      outcomes.push(`devices.csv name ${JSON.stringify(name)}: ${outcome}`);
      expect(outcome, name).toBe('DEVICES_CSV_INVALID_VALUE');
    }
    expect(parseDevicesCsv('"=cmd|\' /C calc\'!A0",127.0.0.1,admin,env:FTD_PASSWORD\n')[0]?.name).toBe('=cmd|\' /C calc\'!A0');
  });

  it('a devices.csv whose cells hold paths and shell: devices found by address, names only text, nothing written outside the layout, nothing run', async () => {
    const { lab } = fleet;
    const dir = await mkdtemp(join(tmpdir(), 'hostile-devices-csv-'));
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, lab.fmc.password, { mode: 0o600 });
    const hostileNames = ['../../../etc/sf/ca_root/cacert.pem', '$(touch /tmp/pwned)', '`touch /tmp/pwned`; reboot'];
    const targets = lab.devices.slice(0, hostileNames.length);
    const csv = [`${lab.fmc.name},${lab.fmc.address},admin,file:${passwordFile}`, ...targets.map((d, i) => `"${hostileNames[i]}",${d.address},admin,file:${passwordFile}`)].join('\n');
    const rows = parseDevicesCsv(`${csv}\n`);
    expect(rows.slice(1).map((r) => r.name)).toEqual(hostileNames);
    const before = new Map(await Promise.all(lab.appliances.map(async (a) => [a.name, await applianceTree(a.root)] as const)));
    const result = await copyFromDevicesCsv(rows, {
      connect: (row, signal) => connectRow(row, lab.appliances.find((a) => a.address === row.address)!, signal, 10_000),
      now: () => lab.clock.now(),
      layout: lab.layout,
    }).finally(() => rm(dir, { recursive: true, force: true }));
    for (const record of result.records) outcomes.push(`devices.csv name ${JSON.stringify(record.name)}: ${record.outcome}`);
    expect(result.records.map((r) => [r.name, r.outcome])).toEqual(hostileNames.map((name) => [name, 'copied']));
    for (const name of hostileNames) expect(result.log).toContain(`Attempting connection to ${name}`);
    const peerDirectory = posix.dirname(ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate);
    const inLayout = (path: string): boolean => path.startsWith(`${peerDirectory}/`) || path.startsWith('/var/log/') || path.startsWith('/ngfw/var/log/') || path === '/dev' || path === '/dev/null';
    for (const appliance of lab.appliances) {
      const after = await applianceTree(appliance.root);
      expect(changesOutside(before.get(appliance.name) ?? new Map(), after, inLayout), appliance.name).toEqual([]);
      expect(after.has('/tmp/pwned'), `${appliance.name} ran a name as a command`).toBe(false);
    }
  });

  it('a symlinked destination file and peer directory refused with DEVICE_PATH_SYMLINK; huge, binary and fake-prompt files renewed through the expert shell; nothing written outside the layout', async () => {
    const { lab, fmc } = fleet;
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const root = (name: string): string => lab.appliance(name).root;
    // symlinked: its cacert.pem is a link to a file elsewhere on the device.
    const victim = lab.path('symlinked', '/home/admin/victim.pem');
    await mkdir(posix.dirname(victim), { recursive: true });
    await writeFile(victim, await lab.readFile('symlinked', peer.caCertificate));
    await rm(lab.path('symlinked', peer.caCertificate));
    await symlink(posix.relative(posix.dirname(lab.path('symlinked', peer.caCertificate)), victim), lab.path('symlinked', peer.caCertificate));
    // symlinked-dir: its peer directory is a link to a directory elsewhere on the device.
    const peerDirectory = posix.dirname(peer.caCertificate);
    const elsewhere = '/home/admin/elsewhere';
    await mkdir(posix.dirname(lab.path('symlinked-dir', elsewhere)), { recursive: true });
    await rename(lab.path('symlinked-dir', peerDirectory), lab.path('symlinked-dir', elsewhere));
    await symlink(posix.relative(posix.dirname(lab.path('symlinked-dir', peerDirectory)), lab.path('symlinked-dir', elsewhere)), lab.path('symlinked-dir', peerDirectory));
    // huge: a 2 MB certificate file; binary: 64 KB of random bytes; fake-prompt: framing lookalikes.
    await writeFile(lab.path('huge', peer.sftunnelCertificate), `${'A'.repeat(63)}\n`.repeat(32_768));
    await writeFile(lab.path('binary', peer.caCertificate), randomBytes(65_536));
    await writeFile(lab.path('fake-prompt', peer.caCertificate), FAKE_FRAMING.repeat(20));
    const victimBefore = await readFile(victim);
    const before = new Map(await Promise.all(lab.devices.map(async (d) => [d.name, await applianceTree(root(d.name))] as const)));
    const oldSymlinked = await heldSet(lab, 'symlinked');

    const oldSymlinkedDir = await heldSet(lab, 'symlinked-dir');

    const { prepared, result } = await renewLabFmc(lab, fmc, { strategy: 'expert' });
    for (const record of result.devices) outcomes.push(`device ${record.name}: ${record.outcome}${record.cause === undefined ? '' : ` ${record.cause}: ${record.message ?? ''}`}`);
    expect(await readFile(victim)).toEqual(victimBefore);
    // The lab's shell materialises /dev/null on first use (`2>/dev/null`); a real device has it already.
    const inLayout = (path: string): boolean => path.startsWith(`${peerDirectory}/`) || path === lab.layout.ftd.messagesLog || path === '/dev' || path === '/dev/null';
    for (const device of lab.devices) {
      const record = result.devices.find((d) => d.name === device.name);
      const after = await applianceTree(root(device.name));
      if (device.name === 'symlinked' || device.name === 'symlinked-dir') {
        // Refused by the device write itself, not by the lab: nothing written anywhere, the link and the old set as they were.
        expect([record?.outcome, record?.cause], `${device.name}: ${record?.message ?? ''}`).toEqual(['failed', 'DEVICE_PATH_SYMLINK']);
        expect(changesOutside(before.get(device.name) ?? new Map(), after, (path) => path === lab.layout.ftd.messagesLog || path === '/dev' || path === '/dev/null'), device.name).toEqual([]);
        expect(await heldSet(lab, device.name)).toEqual(device.name === 'symlinked' ? oldSymlinked : oldSymlinkedDir);
        const link = device.name === 'symlinked' ? peer.caCertificate : peerDirectory;
        expect((await lstat(lab.path(device.name, link))).isSymbolicLink(), link).toBe(true);
        continue;
      }
      expect(changesOutside(before.get(device.name) ?? new Map(), after, inLayout), device.name).toEqual([]);
      expect(record?.outcome, `${device.name}: ${record?.message ?? ''}`).toBe('renewed');
      expect(await heldSet(lab, device.name)).toEqual(stagedSet(prepared, device.uuid));
    }
  });

  it('reports', () => {
    console.log(`hostile inputs:\n${outcomes.join('\n')}`);
  });
});

describe('reliability › hostile inputs › a link made after inspection', () => {
  const fleet = useLabFmc({ devices: [{ name: 'late-link' }, { name: 'plain' }], caState: 'expiring', direct: ['FMCpri'] });

  it('is refused by the check in the command that writes (DEVICE_PATH_SYMLINK at step write): nothing written through it', async () => {
    const { lab, fmc } = fleet;
    const peerDirectory = posix.dirname(ftdPeerFiles(lab.layout, lab.fmc.uuid).caCertificate);
    const elsewhere = '/home/admin/elsewhere';
    let planted = false;
    // Right after the device's files were read (inspect), its peer directory becomes a link to a directory elsewhere.
    const plant = async (): Promise<void> => {
      planted = true;
      await mkdir(posix.dirname(lab.path('late-link', elsewhere)), { recursive: true });
      await rename(lab.path('late-link', peerDirectory), lab.path('late-link', elsewhere));
      await symlink(posix.relative(posix.dirname(lab.path('late-link', peerDirectory)), lab.path('late-link', elsewhere)), lab.path('late-link', peerDirectory));
    };
    const before = await applianceTree(lab.appliance('late-link').root);
    const oldSet = await heldSet(lab, 'late-link');
    const { result } = await renewLabFmc(lab, fmc, {
      strategy: 'expert',
      deliver: {
        connect: async (device, signal) => {
          const host = await connectAppliance(lab.appliance(device.name), 'expert', { signal });
          if (device.name !== 'late-link') return host;
          const run = host.run.bind(host);
          return Object.assign(host, {
            run: async (...args: Parameters<typeof run>) => {
              const ran = await run(...args);
              if (!planted && args[0].includes('cat -- ')) await plant();
              return ran;
            },
          });
        },
      },
    });
    const record = result.devices.find((d) => d.name === 'late-link');
    expect(planted).toBe(true);
    expect([record?.outcome, record?.cause], record?.message).toEqual(['failed', 'DEVICE_PATH_SYMLINK']);
    expect(record?.message).toContain('step write');
    expect(result.devices.find((d) => d.name === 'plain')?.outcome).toBe('renewed');
    // The files moved elsewhere are exactly the old set, nothing was added beside them; the link stands.
    const after = await applianceTree(lab.appliance('late-link').root);
    const moved = (path: string): string => (path.startsWith(`${elsewhere}/`) ? `${peerDirectory}${path.slice(elsewhere.length)}` : path);
    const renamedAfter = new Map([...after].filter(([path]) => path !== peerDirectory && path !== elsewhere && path !== posix.dirname(elsewhere)).map(([path, v]) => [moved(path), v] as const));
    const beforeFiles = new Map([...before].filter(([path]) => path !== peerDirectory && path !== posix.dirname(elsewhere)));
    expect(changesOutside(beforeFiles, renamedAfter, (path) => path === lab.layout.ftd.messagesLog || path === '/dev' || path === '/dev/null')).toEqual([]);
    expect(await heldSet(lab, 'late-link')).toEqual(oldSet);
    expect((await lstat(lab.path('late-link', peerDirectory))).isSymbolicLink()).toBe(true);
  });
});
