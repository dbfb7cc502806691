import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_APPLIANCE_LAYOUT, createInternalCA, expiryVerdict, issueSftunnelCertificate, planRenewal, type FmcInspection, type InspectedDevice } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from './cli-usage-error.js';
import { buildPlanFile, formatPlanFile, PLAN_FILE_SCHEMA_ID, readPlanFile, type PlanFileOptions } from './plan-file.js';

const FMC_UUID = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const DEVICE_UUIDS = ['c8d5d5c6-87c9-11ef-a993-b9831565bc4e', '0b7a2a4e-87ca-11ef-a993-b9831565bc4e', '7f1c9d2e-87ca-11ef-a993-b9831565bc4e'];
const OPTIONS: PlanFileOptions = { canary: 1, leaveOut: ['FTD-3'], backdate: null, generator: null, caKey: null, staging: null, allowUnreachable: false };

/** An FMC inspection made of real certificates, with its devices in the order given. */
async function inspection(now: Date, order: readonly number[]): Promise<FmcInspection> {
  const ca = await createInternalCA({ fmcUuid: FMC_UUID, now });
  const fmcCertificate = (await issueSftunnelCertificate({ ca, peerUuid: FMC_UUID, now })).certificate;
  const devices: InspectedDevice[] = [];
  for (const [index, uuid] of DEVICE_UUIDS.entries()) {
    const { certificate } = await issueSftunnelCertificate({ ca, peerUuid: uuid, now });
    devices.push({ uuid, name: `FTD-${index + 1}`, address: `127.1.1.${index + 1}`, pushedCertificate: { path: `/var/sf/peers/${uuid}/certs_pushed/sftunnel-cert.pem`, certificate, verdict: expiryVerdict(certificate, now) }, keyForm: 'pkcs1' });
  }
  const inspected = (path: string, certificate: typeof fmcCertificate): FmcInspection['ca'] => ({ path, certificate, verdict: expiryVerdict(certificate, now) });
  return {
    host: '127.0.0.10',
    fmcUuid: FMC_UUID,
    layout: DEFAULT_APPLIANCE_LAYOUT,
    livePaths: { caCertificate: '/etc/sf/ca_root/cacert.pem', caCrl: '/etc/sf/ca_root/crl.pem', sftunnelCertificate: '/etc/sf/keys/sftunnel-cert.pem', sftunnelKey: '/etc/sf/keys/sftunnel-key.pem' },
    ca: inspected('/etc/sf/ca_root/cacert.pem', ca.certificate),
    fmcCertificate: inspected('/etc/sf/keys/sftunnel-cert.pem', fmcCertificate),
    fmcKeyForm: 'pkcs1',
    caKey: { path: '/etc/sf/ca_root/cakey.pem', state: 'matches' },
    devices: order.map((i) => devices[i] as InspectedDevice),
    skipped: [],
  };
}

describe('plan file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-plan-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the same bytes a day later and whatever order the FMC listed its devices in, keys sorted, without the clock', async () => {
    const planned = await inspection(new Date('2026-01-01T00:00:00Z'), [0, 1, 2]);
    const file = (at: Date, devices: FmcInspection['devices']): string => {
      const seen = { ...planned, devices };
      return formatPlanFile(buildPlanFile({ inspection: seen, plan: planRenewal(seen, { now: at, canary: 1, leaveOut: ['FTD-3'] }), generator: 'own', tunnels: new Map([['127.1.1.2', 'down']]), options: OPTIONS }));
    };
    const first = file(new Date('2026-01-01T00:00:00Z'), planned.devices);
    // A day later, the devices listed otherwise: the canary is the first in plan order, so keep it first.
    const [a, b, c] = planned.devices;
    const second = file(new Date('2026-01-02T00:00:00Z'), [a, c, b].filter((d) => d !== undefined));
    expect(second).toBe(first);
    expect(first).not.toMatch(/2026-01-0[12]T00|\/var\/tmp\/certs|days|verdict/);
    const document = JSON.parse(first) as { devices: Array<{ uuid: string; name: string; action: string; canary: boolean; tunnel: string }> };
    expect(Object.keys(document)).toEqual(['devices', 'fmc', 'generate', 'generator', 'options', 'schema']);
    expect(document.devices.map((d) => d.uuid)).toEqual([...DEVICE_UUIDS].sort());
    expect(document.devices.map((d) => [d.name, d.action, d.canary, d.tunnel]).sort()).toEqual([
      ['FTD-1', 're-key', true, 'unknown'],
      ['FTD-2', 're-key', false, 'down'],
      ['FTD-3', 'leave-out', false, 'unknown'],
    ]);
  });

  it('is read back with its sha256, and refused (exit 2) when it is not JSON, not a plan file or its options are malformed', async () => {
    const path = join(dir, 'plan.json');
    const text = `${JSON.stringify({ schema: PLAN_FILE_SCHEMA_ID, options: OPTIONS, devices: [] })}\n`;
    await writeFile(path, text);
    expect(await readPlanFile(path)).toMatchObject({ path, sha256: createHash('sha256').update(text).digest('hex'), file: { schema: PLAN_FILE_SCHEMA_ID } });
    for (const [content, message] of [
      ['{"schema":', 'is not JSON'],
      [JSON.stringify({ schema: 'sftunnel-ca/plan/v1', options: OPTIONS }), 'is not a plan file'],
      [JSON.stringify({ schema: PLAN_FILE_SCHEMA_ID, options: { ...OPTIONS, canary: -1, leaveOut: 'FTD-3' } }), 'has options of the wrong shape: canary, leaveOut'],
    ] as const) {
      await writeFile(path, content);
      const read = readPlanFile(path);
      await expect(read).rejects.toBeInstanceOf(CliUsageError);
      await expect(read).rejects.toThrow(message);
    }
  });

  it('never quotes a file that is not JSON: a mistaken --plan may name a password file', async () => {
    const path = join(dir, 'password');
    await writeFile(path, 'correct-battery\n', { mode: 0o600 });
    const error = await readPlanFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toBe(`--plan: ${path} is not JSON; pass the file plan --out wrote`);
  });
});
