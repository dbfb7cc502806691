import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { DevicePassword } from './device-password.js';
import { formatDevicesCsv, parseDevicesCsv, planCopyRun, type DeviceRow } from './devices-csv.js';

const FIXTURE = sharedFixture('devices.csv');
const SECRET = 'S3cret,with "quotes"';

/** Every way an error could show its text. */
function shown(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 9, showHidden: true })].join('\n');
}

describe('parseDevicesCsv', () => {
  it('does read the vendor’s headerless fixture', () => {
    const rows = parseDevicesCsv(FIXTURE);
    expect(rows.map(({ line, name, address, user, port, role }) => ({ line, name, address, user, port, role }))).toEqual([
      { line: 1, name: 'FMCpri', address: '127.0.0.10', user: 'admin', port: 22, role: undefined },
      { line: 2, name: 'FTDv', address: '127.0.1.21', user: 'admin', port: 22, role: undefined },
      { line: 3, name: 'BSNS-1120-1', address: '127.0.1.22', user: 'admin', port: 22, role: undefined },
    ]);
    expect(rows.every((r) => r.password.kind === 'inline')).toBe(true);
  });

  it('does write the fixture back byte for byte', () => {
    expect(formatDevicesCsv(parseDevicesCsv(FIXTURE))).toBe(FIXTURE);
  });

  it('does read a header in any order, with the extra columns and password references', () => {
    const text = 'Role,Name,IP,Admin User,Password,Port,Key File,Jump Host\r\nfmc,FMCpri,127.0.0.10,admin,env:FMC_PW,,,\r\nFTD,FTDv, fd00::21 ,admin,,2222,~/.ssh/id_ed25519,admin@jump.example\r\n';
    const [fmc, ftd] = parseDevicesCsv(text);
    expect(fmc).toMatchObject({ line: 2, name: 'FMCpri', role: 'fmc', port: 22, keyFile: undefined, jumpHost: undefined });
    expect(fmc?.password).toMatchObject({ kind: 'env', reference: 'FMC_PW' });
    expect(ftd).toMatchObject({ line: 3, address: 'fd00::21', role: 'ftd', port: 2222, keyFile: '~/.ssh/id_ed25519', jumpHost: 'admin@jump.example' });
    expect(ftd?.password.kind).toBe('none');
  });

  it('does read positional extra columns and quoted cells', () => {
    const [row] = parseDevicesCsv(`ha,fmc-b.example,admin,"${SECRET.replaceAll('"', '""')}",22,,,ha-peer\n`);
    expect(row).toMatchObject({ name: 'ha', address: 'fmc-b.example', role: 'ha-peer' });
  });

  it('does never show a password in a row’s JSON or inspection', async () => {
    const rows = parseDevicesCsv(`FTDv,127.0.1.21,admin,"${SECRET.replaceAll('"', '""')}"\n`);
    expect(JSON.stringify(rows)).not.toContain('S3cret');
    expect(inspect(rows, { depth: 9, showHidden: true })).not.toContain('S3cret');
    expect(String(rows[0])).not.toContain('S3cret');
    expect((await rows[0]?.password.resolve({}))?.reveal()).toBe(SECRET);
  });

  it('does refuse a missing column with its line number, without echoing the password', () => {
    const text = 'FMCpri,127.0.0.10,admin,S3cret-one\nFTDv,admin,S3cret-two\n';
    const error = expectCodedError(() => parseDevicesCsv(text), 'DEVICES_CSV_MISSING_COLUMN');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/3 columns but needs at least 4/);
    expect(shown(error)).not.toContain('S3cret');
  });

  it('does refuse empty required cells, a header without them, bad values and extra columns, never echoing cells', () => {
    const cases: [string, string, number, number | undefined][] = [
      [',127.0.0.1,admin,S3cret', 'DEVICES_CSV_MISSING_COLUMN', 1, 1],
      ['a,127.0.0.1,,S3cret', 'DEVICES_CSV_MISSING_COLUMN', 1, 3],
      ['name,ip,password\na,127.0.0.1,S3cret', 'DEVICES_CSV_MISSING_COLUMN', 1, undefined],
      ['a,S3cret!,admin,S3cret', 'DEVICES_CSV_INVALID_VALUE', 1, 2],
      ['a,127.0.0.1,admin,ab"S3cret', 'DEVICES_CSV_SYNTAX', 1, undefined],
      ['a,127.0.0.1,admin,S3cret,70000', 'DEVICES_CSV_INVALID_VALUE', 1, 5],
      ['a,127.0.0.1,admin,S3cret,22,,,router', 'DEVICES_CSV_INVALID_VALUE', 1, 8],
      ['a,127.0.0.1,admin,env:S3cret!', 'DEVICES_CSV_INVALID_VALUE', 1, 4],
      ['a,127.0.0.1,admin,S3cret,22,,,ftd,S3cret', 'DEVICES_CSV_SYNTAX', 1, undefined],
      ['a,127.0.0.1,admin,x\nb,127.0.0.2,admin,"S3cret', 'DEVICES_CSV_SYNTAX', 2, undefined],
      ['a,127.0.0.1,admin,x\na,127.0.0.2,admin,S3cret', 'DEVICES_CSV_SYNTAX', 2, undefined],
      ['name,ip,user,password,name\n', 'DEVICES_CSV_SYNTAX', 1, undefined],
    ];
    for (const [text, code, line, column] of cases) {
      let caught: unknown;
      try {
        parseDevicesCsv(text);
      } catch (error) {
        caught = error;
      }
      expect(isSftunnelCaError(caught) && [caught.code, caught.line, caught.column]).toEqual([code, line, column]);
      expect(shown(caught)).not.toContain('S3cret');
    }
  });

  it('does refuse an ip column holding the row’s password (shifted columns), naming the line, never the value', () => {
    // The row: the password moved into the ip column looks like a host name.
    for (const text of ['FTD-0001,Adm1n-pw.example,admin,Adm1n-pw.example\n', 'ok,127.0.0.1,admin,pw\nFTD-0001,10.1.2.3,admin,10.1.2.3\n']) {
      const error = expectCodedError(() => parseDevicesCsv(text, { file: 'inventory.csv' }), 'DEVICES_CSV_INVALID_VALUE');
      expect(error).toMatchObject({ file: 'inventory.csv', line: text.startsWith('ok') ? 2 : 1, column: 2 });
      expect(error.message).toMatch(/password/);
      expect(shown(error)).not.toMatch(/Adm1n-pw\.example|10\.1\.2\.3/);
    }
  });

  it('does refuse control characters in the cells that are printed (a name carrying escape sequences), naming the cell, never echoing it', () => {
    for (const [text, column] of [
      ['FTD\x1b]0;owned\x07-1,127.0.0.1,admin,pw\n', 1],
      ['FTD-1,127.0.0.1,ad\x1b[2Jmin,pw\n', 3],
      ['FTD\u202e1-DTF,127.0.0.1,admin,pw\n', 1],
    ] as const) {
      const error = expectCodedError(() => parseDevicesCsv(text), 'DEVICES_CSV_INVALID_VALUE');
      expect(error).toMatchObject({ line: 1, column });
      expect(error.message).toMatch(/control character/);
      expect(shown(error)).not.toMatch(/\x1b|\u202e|owned/);
    }
    // A password may hold anything: it is never printed.
    expect(parseDevicesCsv('FTD-1,127.0.0.1,admin,p\x1bw\n')[0]?.password.kind).toBe('inline');
  });

  it('property: round-trips generated rows through formatDevicesCsv', () => {
    // eslint-disable-next-line no-control-regex
    const cell = fc.stringMatching(/^[^\n\r"]{1,12}$/).filter((s) => s.trim() === s && s !== '' && !/^[=+\-@]/.test(s) && !/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(s));
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    const password = fc.oneof(fc.constant(''), fc.stringMatching(/^env:[A-Z_][A-Z0-9_]{0,8}$/), fc.stringMatching(/^file:\/[a-z/]{1,10}$/), fc.string({ minLength: 1, maxLength: 16 }).filter((s) => !/^(env|file):/.test(s)));
    const row = fc.record({
      name: cell.filter((s) => !/^(name|device|devicename|role)$/i.test(s)),
      address: host,
      user: cell,
      password,
      port: fc.oneof(fc.constant(22), fc.integer({ min: 1, max: 65535 })),
      keyFile: fc.option(cell, { nil: undefined }),
      jumpHost: fc.option(cell, { nil: undefined }),
      role: fc.option(fc.constantFrom('fmc' as const, 'ftd' as const, 'ha-peer' as const), { nil: undefined }),
    }).filter((r) => r.address !== r.password); // an ip that is the row's password is refused
    fc.assert(
      fc.property(fc.uniqueArray(row, { maxLength: 6, selector: (r) => r.name }), (generated) => {
        const rows: DeviceRow[] = generated.map((r, i) => ({ ...r, line: i + 1, password: DevicePassword.fromCell(r.password.trim() === r.password ? r.password : '') }));
        const text = formatDevicesCsv(rows);
        const parsed = parseDevicesCsv(text);
        expect(parsed.map((r) => ({ ...r, password: r.password.revealCsvCell() }))).toEqual(rows.map((r) => ({ ...r, password: r.password.revealCsvCell() })));
        expect(formatDevicesCsv(parsed)).toBe(text);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: throws nothing but coded errors on arbitrary input, and never echoes a password', () => {
    const cells = fc.array(fc.oneof(fc.constantFrom('', '127.0.0.1', 'fd00::1', 'admin', 'env:X', 'file:', '22', 'fmc', '"', 'name', 'ip'), fc.string({ maxLength: 8 })), { maxLength: 10 });
    const csv = fc.array(cells.map((c) => c.join(',')), { maxLength: 5 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(fc.oneof(csv, fc.string({ unit: 'binary', maxLength: 120 })), (text) => {
        try {
          parseDevicesCsv(`${text}\nx,127.0.0.9,admin,Pw-Marker-123`);
        } catch (error) {
          expect(isSftunnelCaError(error)).toBe(true);
          expect(shown(error)).not.toContain('Pw-Marker-123');
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });
});

describe('planCopyRun', () => {
  const rows = parseDevicesCsv('FMCpri,127.0.0.10,admin,pw,22,,,fmc\nFTDv,127.0.1.21,admin,pw\nFMCsec,127.0.0.11,admin,pw,22,,,ha-peer\nOther,127.0.0.12,admin,pw,22,,,fmc\n');

  it('does take the first row as the FMC whose certificates are copied from a jump server', () => {
    const plan = planCopyRun(rows, 'jump-server');
    expect(plan.source?.name).toBe('FMCpri');
    expect(plan.targets.map((t) => [t.row.name, t.action])).toEqual([
      ['FTDv', 'copy'],
      ['FMCsec', 'copy'],
      ['Other', 'skip-not-ha-peer'],
    ]);
  });

  it('does skip an FMC that is not the HA peer when run on the FMC', () => {
    const plan = planCopyRun(rows, 'fmc');
    expect(plan.source).toBeUndefined();
    expect(plan.targets.map((t) => t.action)).toEqual(['skip-not-ha-peer', 'copy', 'copy', 'skip-not-ha-peer']);
  });

  it('does refuse a jump-server run without an FMC first', () => {
    expectCodedError(() => planCopyRun([], 'jump-server'), 'DEVICES_CSV_SYNTAX');
    const [device] = parseDevicesCsv('\nFTDv,127.0.1.21,admin,pw,22,,,ftd\n');
    expect(expectCodedError(() => planCopyRun([device!], 'jump-server'), 'DEVICES_CSV_SYNTAX').line).toBe(2);
  });
});
