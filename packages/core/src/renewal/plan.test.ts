import { beforeAll, describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { DEFAULT_APPLIANCE_LAYOUT } from '../layout/appliance-layout.js';
import { expiryVerdict } from '../pki/expiry-verdict.js';
import { createInternalCA, renewInternalCA } from '../pki/internal-ca-generator.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../pki/rsa-key.js';
import { issueSftunnelCertificate } from '../pki/sftunnel-certificate.js';
import { summarizeCertificate } from './certificate-summary.js';
import type { FmcInspection } from './inspect.js';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { assertPlanCoverage } from './coverage.js';
import { formatRenewalPlan, planRenewal } from './plan.js';
import type { PreparedRenewal } from './prepared-manifest.js';
import { formatRenewalDiff, renewalDiff } from './renewal-diff.js';

const FMC = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const DEVICES = ['0f6f2a4c-1b7e-4c1e-9a55-3d2a4b7c9e01', '1a2b3c4d-1b7e-4c1e-9a55-3d2a4b7c9e02', '2b3c4d5e-1b7e-4c1e-9a55-3d2a4b7c9e03'];
const issuedAt = new Date('2016-11-01T00:00:00Z');
const now = new Date('2026-10-12T00:00:00Z');

describe('planRenewal', () => {
  let inspection: FmcInspection;
  let keys: RsaKeyPair;
  beforeAll(async () => {
    keys = await generateRsaKeyPair();
    const ca = await createInternalCA({ fmcUuid: FMC, now: issuedAt, keys });
    const inspected = async (peerUuid: string, path: string) => {
      const { certificate } = await issueSftunnelCertificate({ ca, peerUuid, now: issuedAt, keys });
      return { path, certificate, verdict: expiryVerdict(certificate, now) };
    };
    inspection = {
      host: 'fmc',
      fmcUuid: FMC,
      layout: DEFAULT_APPLIANCE_LAYOUT,
      livePaths: { caCertificate: '/etc/sf/ca_root/cacert.pem', caCrl: '/etc/sf/ca_root/crl.pem', sftunnelCertificate: '/etc/sf/keys/sftunnel-cert.pem', sftunnelKey: '/etc/sf/keys/sftunnel-key.pem' },
      ca: { path: '/etc/sf/ca_root/cacert.pem', certificate: ca.certificate, verdict: expiryVerdict(ca.certificate, now) },
      fmcCertificate: await inspected(FMC, '/etc/sf/keys/sftunnel-cert.pem'),
      fmcKeyForm: 'pkcs1',
      caKey: { path: '/etc/sf/ca_root/cakey.pem', state: 'matches' },
      devices: await Promise.all(
        DEVICES.map(async (uuid, i) => ({
          uuid,
          name: i === 2 ? undefined : `FTD-${i + 1}`,
          address: i === 2 ? undefined : `192.0.2.${i + 1}`,
          pushedCertificate: await inspected(uuid, `/var/sf/peers/${uuid}/certs_pushed/sftunnel-cert.pem`),
          keyForm: 'pkcs1' as const,
        })),
      ),
      skipped: [],
    };
  });

  it('plans each device’s three files, backups and restart, canaries first, as JSON that round-trips', () => {
    const plan = planRenewal(inspection, { now, canary: 1, inventory: { [DEVICES[2]!]: { name: 'FTD-3', address: '192.0.2.3' } } });
    expect(plan.stagingDirectory).toBe(`/var/tmp/certs/${Math.floor(now.getTime() / 1000)}`);
    expect(plan.fmc.ca.verdict).toBe('expiring');
    expect(plan.devices.map((d) => [d.name, d.canary])).toEqual([['FTD-1', true], ['FTD-2', false], ['FTD-3', false]]);
    const [first] = plan.devices;
    expect(first?.files).toEqual([
      { role: 'caCertificate', source: `${plan.stagingDirectory}/cacert.pem`, destination: `/var/sf/peers/${FMC}/cacert.pem`, backup: `/var/sf/peers/${FMC}/cacert.pem.backup` },
      { role: 'sftunnelCertificate', source: `${plan.stagingDirectory}/peers/${DEVICES[0]}/sftunnel-cert.pem`, destination: `/var/sf/peers/${FMC}/sftunnel-cert.pem`, backup: `/var/sf/peers/${FMC}/sftunnel-cert.pem.backup` },
      { role: 'sftunnelKey', source: `${plan.stagingDirectory}/peers/${DEVICES[0]}/sftunnel-key.pem`, destination: `/var/sf/peers/${FMC}/sftunnel-key.pem`, backup: `/var/sf/peers/${FMC}/sftunnel-key.pem.backup` },
    ]);
    expect(first?.restart).toBe('pmtool restartbyid sftunnel');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    const text = formatRenewalPlan(plan);
    expect(text).toContain('device FTD-1 192.0.2.1');
    expect(text).toContain('[canary]');
    expect(text).toContain('2. switch the FMC');
  });

  it('refuses a device it cannot name, and renews a subset on request', () => {
    expect(() => planRenewal(inspection, { now })).toThrow(expect.objectContaining({ code: 'RENEWAL_DEVICE_UNKNOWN' }));
    const plan = planRenewal(inspection, { now, only: ['FTD-2'] });
    expect(plan.devices.map((d) => d.name)).toEqual(['FTD-2']);
    expect(plan.fmc.deviceUuids).toEqual([...DEVICES].sort());
    try {
      planRenewal(inspection, { now, only: ['nope'] });
      expect.unreachable();
    } catch (error) {
      expect(isSftunnelCaError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('names every managed device a subset leaves uncovered, and refuses to switch the FMC over them', () => {
    const inventory = { [DEVICES[2] ?? '']: { name: 'FTD-3', address: '192.0.2.3' } };
    const whole = planRenewal(inspection, { now, inventory });
    expect(whole.uncovered).toEqual([]);
    expect(() => assertPlanCoverage(whole)).not.toThrow();
    const partial = planRenewal(inspection, { now, inventory, only: ['FTD-2'] });
    expect(partial.uncovered.map((d) => d.name)).toEqual(['FTD-1', 'FTD-3']);
    expect(formatRenewalPlan(partial)).toContain('NOT COVERED: 2 device(s) the FMC manages get no new files: FTD-1, FTD-3');
    expect(expectCodedError(() => assertPlanCoverage(partial), 'RENEWAL_COVERAGE_INCOMPLETE').message).toMatch(/FTD-1 \(.*\), FTD-3 \(.*\).*Nothing was changed/);
  });

  it('stages the devices left out on purpose last, never as canaries, and covers them', () => {
    const inventory = { [DEVICES[2] ?? '']: { name: 'FTD-3', address: '192.0.2.3' } };
    const plan = planRenewal(inspection, { now, inventory, only: ['FTD-2'], leaveOut: ['FTD-1', DEVICES[2] ?? ''], canary: 3 });
    expect(plan.devices.map((d) => [d.name, d.canary, d.leftOut])).toEqual([['FTD-2', true, false], ['FTD-1', false, true], ['FTD-3', false, true]]);
    expect(plan.uncovered).toEqual([]);
    expect(() => assertPlanCoverage(plan)).not.toThrow();
    expect(formatRenewalPlan(plan)).toMatch(/LEFT OUT: FTD-1, FTD-3: staged and listed in FAILED_PUSH/);
    expect(expectCodedError(() => planRenewal(inspection, { now, inventory, leaveOut: ['FTD-9'] }), 'INVALID_ARGUMENT').message).toMatch(/FTD-9/);
  });

  it('takes a staging directory only as a directory of its own under /var/tmp/certs: it will be made 0700 and hold keys', () => {
    const inventory = { [DEVICES[2] ?? '']: { name: 'FTD-3', address: '192.0.2.3' } };
    expect(planRenewal(inspection, { now, inventory, stagingDirectory: '/var/tmp/certs/1767225600' }).stagingDirectory).toBe('/var/tmp/certs/1767225600');
    for (const stagingDirectory of ['/var/tmp', '/var/tmp/certs', '/var/tmp/certs/', '/var/tmp/certs/..', '/var/tmp/certs/../../../etc/sf', '/etc/sf/ca_root', 'var/tmp/certs/1', '/var/tmp/certs/1/peers', '/var/tmp/certs/.hidden', '/var/tmp/certs/a b', '/var/tmp/certs/1767225600/', '/var/tmp/certs//1767225600']) {
      expect(() => planRenewal(inspection, { now, inventory, stagingDirectory }), stagingDirectory).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('diffs old → new CA fingerprint, serials and notAfter per device (a dry run)', async () => {
    const plan = planRenewal(inspection, { now, only: ['FTD-1'] });
    const renewed = await renewInternalCA({ current: inspection.ca.certificate, now, keys });
    const device = await issueSftunnelCertificate({ ca: renewed, peerUuid: DEVICES[0]!, now, keys });
    const staged = (certificate: typeof device.certificate) => ({ path: '/x', sha256: 'y', certificate: summarizeCertificate(certificate, now) });
    const prepared: PreparedRenewal = {
      version: 1,
      fmcUuid: FMC,
      stagingDirectory: plan.stagingDirectory,
      preparedAt: now.toISOString(),
      basedOn: { caFingerprintSha256: plan.fmc.ca.fingerprintSha256, deviceUuids: plan.fmc.deviceUuids },
      ca: staged(renewed.certificate),
      caKey: { path: '/k', sha256: 'z' },
      crl: { path: '/c', sha256: 'z' },
      fmc: { certificate: staged(device.certificate), key: { path: '/k', sha256: 'z' } },
      devices: [{ uuid: DEVICES[0]!, certificate: staged(device.certificate), key: { path: '/k', sha256: 'z' } }],
    };
    const diff = renewalDiff(plan, prepared);
    expect(diff.ca.from.fingerprintSha256).toBe(inspection.ca.certificate.fingerprintSha256);
    expect(diff.ca.to.fingerprintSha256).toBe(renewed.certificate.fingerprintSha256);
    expect(diff.devices).toHaveLength(1);
    expect(diff.devices[0]?.certificate.to.notAfter).toBe(renewed.certificate.notAfter.toISOString());
    expect(formatRenewalDiff(diff)).toMatch(/^InternalCA: [0-9a-f]{16}… serial \w+ notAfter 2026-11-01T.* -> [0-9a-f]{16}… serial \w+ notAfter 2036-/);
  });
});
