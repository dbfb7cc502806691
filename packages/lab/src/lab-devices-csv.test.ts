import { parseDevicesCsv } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import type { LabAppliance } from './appliance.js';
import { formatLabDevicesCsv } from './lab-devices-csv.js';

const appliance = (name: string, role: LabAppliance['role'], address: string, sshPort: number): LabAppliance =>
  ({ name, role, address, sshPort, username: 'admin' }) as LabAppliance;
const fmc = appliance('FMC', 'fmc', '127.0.0.10', 2200);
const ftd = appliance('FTD-0001', 'ftd', '127.0.1.10', 2201);

describe('formatLabDevicesCsv', () => {
  it('does write a row per appliance, in order, reached at its address and SSH port as its login user', () => {
    const rows = parseDevicesCsv(formatLabDevicesCsv([fmc, ftd], { password: 'file:/lab/password' }));
    expect(rows.map((r) => [r.line, r.name, r.address, r.user, r.port, r.role])).toEqual([
      [1, 'FMC', '127.0.0.10', 'admin', 2200, undefined],
      [2, 'FTD-0001', '127.0.1.10', 'admin', 2201, undefined],
    ]);
    expect(rows.map((r) => `${r.password.kind}:${r.password.reference}`)).toEqual(['file:/lab/password', 'file:/lab/password']);
  });

  it('does name each appliance’s role when asked, and take the ports given', () => {
    const rows = parseDevicesCsv(formatLabDevicesCsv([fmc, ftd], { password: 'env:LAB_PASSWORD', roles: true, port: (a) => (a === ftd ? 1 : a.sshPort) }));
    expect(rows.map((r) => [r.name, r.port, r.role])).toEqual([
      ['FMC', 2200, 'fmc'],
      ['FTD-0001', 1, 'ftd'],
    ]);
  });
});
