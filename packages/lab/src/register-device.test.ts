import { readFile, stat, writeFile } from 'node:fs/promises';
import { Certificate, fmcPushedFiles, ftdPeerFiles, generateRsaKeyPair, exportRsaPrivateKeyPem, inspectFmc, keyMatchesCertificate, verifyIssuedBy } from '@sftunnel-ca/core';
import type { SshHost } from '@sftunnel-ca/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppliance } from '@sftunnel-ca/transport/testing';
import { startLab, type Lab, type LabAppliance } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

/** A root Host on a lab appliance as a real FTD is reached (CLI → expert → root), its host key pinned. */
const rootOver = (appliance: LabAppliance): Promise<SshHost> => openAppliance(appliance, { strategy: 'expert', connectTimeoutMs: 10_000 });

/** The CA of an FMC, and the certificate the FMC holds for a device in `certs_pushed/`. */
async function fmcView(lab: Lab, fmc: string, device: string): Promise<{ ca: Certificate; pushed: Certificate; pushedKey: string }> {
  const { uuid } = lab.appliance(device);
  const pushed = fmcPushedFiles(lab.layout, uuid);
  return {
    ca: Certificate.fromPem(await lab.readFile(fmc, lab.layout.fmc.caCertificate)),
    pushed: Certificate.fromPem(await lab.readFile(fmc, pushed.sftunnelCertificate)),
    pushedKey: await lab.readFile(fmc, pushed.sftunnelKey),
  };
}

describe('lab.registerDevice', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 2 });
  }, 120_000);
  afterAll(() => lab.stop());

  it('adds an FTD the FMC signed with its CA key: peer directories on both sides, a real SSH endpoint, its tunnel up', async () => {
    const ftd = await lab.registerDevice({ name: 'FTD-NEW' });
    expect(lab.devices.map((d) => d.name)).toEqual(['FTD-0001', 'FTD-0002', 'FTD-NEW']);
    expect(ftd.address).not.toBe(lab.devices[1]?.address);
    expect(ftd.peers).toEqual(['FMCpri']);

    const { ca, pushed, pushedKey } = await fmcView(lab, 'FMCpri', ftd.name);
    await verifyIssuedBy(pushed, ca, { now: lab.clock.now() });
    expect(keyMatchesCertificate(pushedKey, pushed)).toBe(true);
    expect((await stat(lab.path('FMCpri', fmcPushedFiles(lab.layout, ftd.uuid).sftunnelKey))).mode & 0o777).toBe(0o600);
    // Its serial continues above every serial the FMC shows.
    const others = await Promise.all(lab.devices.slice(0, 2).map(async (d) => Certificate.fromPem(await lab.readFile('FMCpri', fmcPushedFiles(lab.layout, d.uuid).sftunnelCertificate)).serialNumber));
    for (const serial of others) expect(pushed.serialNumber).toBeGreaterThan(serial);

    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    expect(await lab.readFile(ftd.name, peer.caCertificate)).toBe(ca.pem);
    expect(await lab.readFile(ftd.name, peer.sftunnelCertificate)).toBe(pushed.pem);
    expect(await lab.readFile(ftd.name, peer.sftunnelKey)).toBe(pushedKey);
    expect(lab.tunnel(ftd.name)).toMatchObject({ state: 'connected', managerAddress: lab.fmc.address, deviceAddress: ftd.address });

    // Reachable over SSH like every device: CLI → expert → root, where pmtool restarts its tunnel.
    const host = await rootOver(ftd);
    try {
      expect(new TextDecoder().decode(await host.readFile('/etc/hostname'))).toBe('FTD-NEW\n');
      await lab.dropTunnel(ftd.name);
      const restart = await host.run('pmtool restartbyid sftunnel');
      expect(restart.code, restart.stderr).toBe(0);
    } finally {
      await host.close();
    }
    expect(lab.tunnel(ftd.name).state).toBe('connected');
  });

  it('is a device the FMC manages: inspectFmc over SSH names it', async () => {
    const fmc = await rootOver(lab.fmc);
    try {
      const inspection = await inspectFmc(fmc, { now: lab.clock.now(), layout: lab.layout });
      expect(inspection.devices.map((d) => d.name).sort()).toEqual(lab.devices.map((d) => d.name).sort());
    } finally {
      await fmc.close();
    }
  });

  it('gives the next default name, and refuses a name or UUID the lab has', async () => {
    const next = await lab.registerDevice();
    expect(next.name).toBe('FTD-0004');
    await expect(lab.registerDevice({ name: 'FTD-0001' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(lab.registerDevice({ name: 'FMCpri' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(lab.registerDevice({ name: 'FTD-OTHER', uuid: next.uuid })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(lab.devices).toHaveLength(4);
  });

  it('with a stale CA key on the FMC (not the live CA’s), signs a certificate whose tunnel really fails', async () => {
    const stale = await exportRsaPrivateKeyPem((await generateRsaKeyPair({ modulusLength: 2048 })).privateKey);
    const keyPath = lab.path('FMCpri', lab.layout.fmc.caKey);
    const live = await readFile(keyPath, 'utf8');
    await writeFile(keyPath, stale, { mode: 0o600 });
    try {
      const ftd = await lab.registerDevice({ name: 'FTD-STALE' });
      const { ca, pushed } = await fmcView(lab, 'FMCpri', ftd.name);
      await expect(verifyIssuedBy(pushed, ca, { now: lab.clock.now() })).rejects.toMatchObject({ code: 'NOT_ISSUED_BY_CA' });
      expect(lab.tunnel(ftd.name).state).toBe('disconnected');
      expect(lab.tunnel(ftd.name).lastError?.code).toBe('NOT_ISSUED_BY_CA');
      // The devices registered before are not affected.
      await lab.restartTunnel('FTD-0001');
      expect(lab.tunnel('FTD-0001').state).toBe('connected');
    } finally {
      await writeFile(keyPath, live, { mode: 0o600 });
    }
  });

  it('is counted by generate_certs.pl: the vendor’s renewal pushes to a registered device too', async () => {
    // A lab of its own whose FMC takes root logins (exec), to run the generator.
    const fresh = await startLab({ devices: 1, direct: ['FMCpri'] });
    try {
      const ftd = await fresh.registerDevice();
      const root = await connectClient(fresh.fmc, { username: 'root' });
      try {
        const run = await execOn(root, 'generate_certs.pl', 'yes\nyes\n');
        expect(run.code, run.stdout).toBe(0);
      } finally {
        root.end();
      }
      const ca = await fresh.readFile('FMCpri', fresh.layout.fmc.caCertificate);
      expect(await fresh.readFile(ftd.name, ftdPeerFiles(fresh.layout, fresh.fmc.uuid).caCertificate)).toBe(ca);
      expect(fresh.tunnel(ftd.name).state).toBe('connected');
      // The renewed FMC's key is its CA's: the next registration verifies too.
      const later = await fresh.registerDevice();
      expect(fresh.tunnel(later.name).state).toBe('connected');
    } finally {
      await fresh.stop();
    }
  });
});

describe('lab.registerDevice with an HA pair', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1, ha: true });
  }, 120_000);
  afterAll(() => lab.stop());

  it('registers the device with both FMCs, each signing with its own CA key, and both its tunnels come up', async () => {
    const ftd = await lab.registerDevice();
    expect(ftd.peers).toEqual(['FMCpri', 'FMCsec']);
    const secondary = lab.secondaryFmc!;
    for (const fmc of [lab.fmc, secondary]) {
      const { ca, pushed } = await fmcView(lab, fmc.name, ftd.name);
      await verifyIssuedBy(pushed, ca, { now: lab.clock.now() });
      expect(await lab.readFile(ftd.name, ftdPeerFiles(lab.layout, fmc.uuid).caCertificate)).toBe(ca.pem);
      expect(await lab.readFile(ftd.name, ftdPeerFiles(lab.layout, fmc.uuid).sftunnelCertificate)).toBe(pushed.pem);
    }
    expect(lab.tunnels().filter((t) => t.device === ftd.name).map((t) => [t.manager, t.state])).toEqual([
      ['FMCpri', 'connected'],
      ['FMCsec', 'connected'],
    ]);
  });
});
