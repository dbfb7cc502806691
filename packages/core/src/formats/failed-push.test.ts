import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineApplianceLayout } from '../layout/appliance-layout.js';
import { expectCodedError, onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { findNewestFailedPush, formatFailedPush, parseFailedPush, type FailedPushRecord } from './failed-push.js';

const FIXTURE = sharedFixture('FAILED_PUSH');
const FMC = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const line = (source: string, destination: string, address = '10.48.67.54'): string => `${FTD} BSNS-1120-1 ${address} ${source} ${destination}\n`;

const hex = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));
const address = fc.oneof(fc.ipV4(), fc.ipV6());
const files = ['cacert.pem', 'sftunnel-key.pem', 'sftunnel-cert.pem'] as const;
/** Generated FAILED_PUSH files: several devices, three lines each, sources with or without `//`. */
const failedPush = fc
  .tuple(uuid, fc.uniqueArray(fc.tuple(uuid, fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), address), { maxLength: 5, selector: ([u]) => u }), fc.boolean())
  .map(([fmc, devices, doubled]) =>
    devices.flatMap(([deviceUuid, deviceName, deviceAddress]): FailedPushRecord[] =>
      files.map((file) => ({
        deviceUuid,
        deviceName,
        deviceAddress,
        sourcePath: file === 'cacert.pem' ? '/etc/sf/ca_root/cacert.pem' : `/var/sf/peers/${deviceUuid}/certs_pushed${doubled ? '//' : '/'}${file}`,
        destinationPath: `/var/sf/peers/${fmc}/${file}`,
      })),
    ),
  );

describe('parseFailedPush', () => {
  it('does read the fixture into two complete devices and the FMC’s UUID', () => {
    const parsed = parseFailedPush(FIXTURE);
    expect(parsed.fmcUuid).toBe(FMC);
    expect(parsed.entries).toHaveLength(6);
    expect(parsed.devices.map((d) => [d.uuid, d.name, d.address, d.complete])).toEqual([
      [FTD, 'BSNS-1120-1', '10.48.67.54', true],
      ['6bf1143a-8a2e-11ef-92d8-fd927e807d77', 'EMEA-FPR3110-08', '10.48.189.37', true],
    ]);
    expect(parsed.devices[0]?.files.sftunnelKey).toMatchObject({
      line: 2,
      sourcePath: `/var/sf/peers/${FTD}/certs_pushed//sftunnel-key.pem`,
      normalizedSourcePath: `/var/sf/peers/${FTD}/certs_pushed/sftunnel-key.pem`,
      destinationPath: `/var/sf/peers/${FMC}/sftunnel-key.pem`,
      role: 'sftunnelKey',
      peerUuid: FMC,
    });
  });

  it('does write the fixture back byte for byte', () => {
    expect(formatFailedPush(parseFailedPush(FIXTURE).entries)).toBe(FIXTURE);
  });

  it('does accept IPv6 addresses, blank lines, CRLF and runs of spaces', () => {
    const text = `\n${line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem`, 'fd00::21').replace(' ', '   ').replace('\n', '\r\n')}\n`;
    const parsed = parseFailedPush(text);
    expect(parsed.entries[0]).toMatchObject({ line: 2, deviceAddress: 'fd00::21', deviceUuid: FTD });
    expect(parsed.devices[0]?.complete).toBe(false);
  });

  it('does refuse a path with .. or a destination outside the FMC’s peer directory, with its line number', () => {
    const good = line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem`);
    const unsafe = [
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/../../../etc/cacert.pem`),
      line('/etc/sf/../../etc/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem`),
      line('/etc/sf/ca_root/cacert.pem', '/etc/sf/ca_root/cacert.pem'),
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/sub/cacert.pem`),
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/not-a-uuid/cacert.pem`),
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/authorized_keys`),
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem/`),
      line('etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem`),
      line('/etc/shadow', `/var/sf/peers/${FMC}/cacert.pem`),
      line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FTD}/cacert.pem`),
    ];
    for (const bad of unsafe) {
      const error = expectCodedError(() => parseFailedPush(good + bad, { file: '/var/tmp/certs/1728915794/FAILED_PUSH' }), 'FAILED_PUSH_UNSAFE_PATH');
      expect({ file: error.file, line: error.line }).toEqual({ file: '/var/tmp/certs/1728915794/FAILED_PUSH', line: 2 });
    }
  });

  it('does hold every destination to the FMC UUID it is given', () => {
    const error = expectCodedError(() => parseFailedPush(FIXTURE, { fmcUuid: FTD }), 'FAILED_PUSH_UNSAFE_PATH');
    expect(error.line).toBe(1);
  });

  it('does check destinations against an overridden layout', () => {
    const layout = defineApplianceLayout({ ftd: { peersDirectory: '/ngfw/var/sf/peers' } });
    expectCodedError(() => parseFailedPush(FIXTURE, { layout }), 'FAILED_PUSH_UNSAFE_PATH');
    expect(parseFailedPush(FIXTURE.replaceAll(`/var/sf/peers/${FMC}`, `/ngfw/var/sf/peers/${FMC}`), { layout }).entries).toHaveLength(6);
  });

  it('does refuse malformed lines with their line and column', () => {
    const good = line('/etc/sf/ca_root/cacert.pem', `/var/sf/peers/${FMC}/cacert.pem`);
    const cases: [string, number | undefined][] = [
      [`${FTD} BSNS-1120-1 10.48.67.54 /etc/sf/ca_root/cacert.pem\n`, undefined],
      [good.replace(FTD, 'c8d5d5c6-87c9'), 1],
      [good.replace('10.48.67.54', '10.48.67.540'), 50],
      [good.replace('BSNS-1120-1', 'OTHER'), undefined],
      [good, undefined],
    ];
    for (const [bad, column] of cases) {
      const error = expectCodedError(() => parseFailedPush(good + bad), 'FAILED_PUSH_SYNTAX');
      expect([error.line, error.column]).toEqual([2, column]);
    }
  });

  it('property: round-trips generated files and groups them by device', () => {
    fc.assert(
      fc.property(failedPush, (records) => {
        const text = formatFailedPush(records);
        const parsed = parseFailedPush(text);
        expect(formatFailedPush(parsed.entries)).toBe(text);
        expect(parsed.entries.map(({ deviceUuid, deviceName, deviceAddress, sourcePath, destinationPath }) => ({ deviceUuid, deviceName, deviceAddress, sourcePath, destinationPath }))).toEqual(records);
        expect(parsed.devices.every((d) => d.complete)).toBe(true);
        expect(parsed.devices).toHaveLength(records.length / 3);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: throws nothing but coded errors on arbitrary input', () => {
    const field = fc.oneof(uuid, address, fc.constantFrom('/', '..', '//', `/var/sf/peers/${FMC}/cacert.pem`, `/var/sf/peers/${FMC}/../x`), fc.string({ maxLength: 12 }));
    const lines = fc.array(fc.array(field, { maxLength: 6 }).map((f) => f.join(' ')), { maxLength: 6 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(fc.oneof(lines, fc.string({ unit: 'binary', maxLength: 200 })), (text) => onlyCodedErrors(() => parseFailedPush(text))),
      { numRuns: fuzzRuns() },
    );
  });
});

describe('formatFailedPush', () => {
  it('does refuse fields it cannot write as one word', () => {
    const [record] = parseFailedPush(FIXTURE).entries;
    expectCodedError(() => formatFailedPush([{ ...record!, deviceName: 'two words' }]), 'INVALID_ARGUMENT');
    expectCodedError(() => formatFailedPush([{ ...record!, sourcePath: '' }]), 'INVALID_ARGUMENT');
  });
});

describe('findNewestFailedPush', () => {
  it('does pick the newest unix-time directory of a listing', () => {
    expect(findNewestFailedPush(['1728915794', 'notes', '1728000000', '99', '.tmp'])).toEqual({ unixTime: 1728915794, path: '/var/tmp/certs/1728915794/FAILED_PUSH' });
    expect(findNewestFailedPush(['notes'])).toBeUndefined();
    expect(findNewestFailedPush(['5'], defineApplianceLayout({ fmc: { failedPushDirectory: '/tmp/c' } }))?.path).toBe('/tmp/c/5/FAILED_PUSH');
  });
});
