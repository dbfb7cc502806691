import { describe, expect, it } from 'vitest';
import { planDifferences, tunnelChanges } from './plan-diff.js';
import { PLAN_FILE_SCHEMA_ID, type PlanFile, type PlanFileDevice } from './plan-file.js';

const certificate = (n: number): PlanFileDevice['certificate'] => ({ fingerprintSha256: String(n).repeat(64).slice(0, 64), serial: n.toString(16), notAfter: '2030-01-01T00:00:00.000Z' });

function device(uuid: string, name: string, overrides: Partial<PlanFileDevice> = {}): PlanFileDevice {
  return { uuid, name, address: '127.1.1.1', action: 're-key', canary: false, certificate: certificate(1), keySize: 2048, keyForm: 'pkcs1', tunnel: 'up', ...overrides };
}

function planFile(devices: readonly PlanFileDevice[], ca = certificate(9)): PlanFile {
  return {
    schema: PLAN_FILE_SCHEMA_ID,
    fmc: {
      host: '127.0.0.10',
      uuid: '00000000-0000-4000-8000-000000000000',
      ca,
      caKey: { path: '/etc/sf/ca_root/cakey.pem', state: 'matches' },
      certificate: certificate(8),
      livePaths: { caCertificate: '/etc/sf/ca_root/cacert.pem', caCrl: '/etc/sf/ca_root/crl.pem', sftunnelCertificate: '/etc/sf/keys/sftunnel-cert.pem', sftunnelKey: '/etc/sf/keys/sftunnel-key.pem' },
    },
    generator: 'own',
    generate: { caKeySize: 2048, fmcKeySize: 2048, deviceKeys: devices.length, crl: true },
    options: { canary: 0, leaveOut: [], backdate: null, generator: null, caKey: null, staging: null, allowUnreachable: false },
    devices,
  };
}

describe('planDifferences', () => {
  const a = device('a', 'FTD-A');
  const b = device('b', 'FTD-B');

  it('finds none between a plan and itself, nor when only a tunnel went down (noted apart)', () => {
    const planned = planFile([a, b]);
    expect(planDifferences(planned, planFile([a, b]))).toEqual([]);
    const now = planFile([a, { ...b, tunnel: 'down' }]);
    expect(planDifferences(planned, now)).toEqual([]);
    expect(tunnelChanges(planned, now)).toEqual([{ uuid: 'b', name: 'FTD-B', planned: 'up', now: 'down' }]);
  });

  it('names a device added and a device removed by UUID, not as a shifted list', () => {
    const differences = planDifferences(planFile([a, b]), planFile([b, device('c', 'FTD-C')]));
    expect(differences.map((d) => [d.path, d.change])).toEqual(
      expect.arrayContaining([
        ['devices.a', 'removed'],
        ['devices.c', 'added'],
      ]),
    );
    expect(differences.find((d) => d.path === 'devices.c')?.message).toBe('device FTD-C (c) is new on the FMC: the plan does not know it (it would be re-key now)');
    expect(differences.find((d) => d.path === 'devices.a')?.message).toBe('device FTD-A (a) of the plan is no longer on the FMC');
    expect(differences.some((d) => d.path.startsWith('devices.b'))).toBe(false);
  });

  it('says a changed certificate once, whole, with both fingerprints; and a changed InternalCA or action', () => {
    const changed = { ...b, certificate: certificate(2), action: 'not-covered' as const };
    const differences = planDifferences(planFile([a, b]), planFile([a, changed], certificate(7)));
    expect(differences.map((d) => d.path).sort()).toEqual(['devices.b.action', 'devices.b.certificate', 'fmc.ca']);
    expect(differences.find((d) => d.path === 'devices.b.certificate')).toMatchObject({
      change: 'changed',
      planned: certificate(1),
      now: certificate(2),
      message: `device FTD-B (b): the FMC holds another certificate for it: planned SHA-256 ${certificate(1).fingerprintSha256}, now SHA-256 ${certificate(2).fingerprintSha256}`,
    });
    expect(differences.find((d) => d.path === 'devices.b.action')?.message).toBe('device FTD-B (b): action was "re-key", now "not-covered"');
    expect(differences.find((d) => d.path === 'fmc.ca')?.message).toMatch(/^the FMC's InternalCA changed: planned SHA-256 9{64}, now SHA-256 7{64}$/);
  });

  it('treats an edited or broken plan file as differences, never as a match', () => {
    const edited = { ...planFile([a]), devices: 'none' } as unknown as PlanFile;
    expect(planDifferences(edited, planFile([a])).map((d) => [d.path, d.change])).toEqual([['devices.a', 'added']]);
  });
});
