import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { DevicePassword } from './device-password.js';
import { formatDevicesCsv, parseDevicesCsv, type DeviceRow } from './devices-csv.js';

const row = (fields: Partial<DeviceRow>): DeviceRow => ({
  line: 1,
  name: 'FTD-1',
  address: '192.0.2.21',
  user: 'admin',
  password: DevicePassword.fromCell('env:FTD_PASSWORD'),
  port: 22,
  keyFile: undefined,
  jumpHost: undefined,
  role: undefined,
  ...fields,
});

describe('formatDevicesCsv and CSV injection', () => {
  it.each(['=cmd|\' /C calc\'!A0', '+SUM(1+1)', '-2+3', '@SUM(A1)', '\tTAB', '\r=1'])('refuses to write a name a spreadsheet would run as a formula: %j', (name) => {
    const error = expectCodedError(() => formatDevicesCsv([row({ name })]), 'DEVICES_CSV_INVALID_VALUE');
    expect(error.message).toContain('CSV injection');
  });

  it('refuses formula-like users, key files and jump hosts too, and writes names that merely contain those characters', () => {
    expectCodedError(() => formatDevicesCsv([row({ user: '=1+1' })]), 'DEVICES_CSV_INVALID_VALUE');
    expectCodedError(() => formatDevicesCsv([row({ port: 2222, keyFile: '@key' })]), 'DEVICES_CSV_INVALID_VALUE');
    expectCodedError(() => formatDevicesCsv([row({ port: 2222, jumpHost: '+jump' })]), 'DEVICES_CSV_INVALID_VALUE');
    expect(parseDevicesCsv(formatDevicesCsv([row({ name: 'FTD=1+2@x' })]))[0]?.name).toBe('FTD=1+2@x');
  });
});
