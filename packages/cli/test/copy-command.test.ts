import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCopyLog } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { useCliLab } from './cli-lab.js';
import { expectValidDocument } from './json-schema.js';
import { runInProcess } from './run-in-process.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/domain/', import.meta.url));
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - /gm;

describe('sftunnel-ca copy (against the lab)', () => {
  // The fixture's appliances: FMCpri, FTDv and BSNS-1120-1 (unreachable: nothing listens on port 1).
  const fixture = useCliLab({ devices: [{ name: 'FTDv' }, { name: 'BSNS-1120-1' }], caState: 'valid' });

  it('run with the vendor’s devices.csv rows prints copy_sftunnel_certs.py’s log line for line (--log-format vendor), exit 1 for the unreachable device', async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('devices.csv', [lab.fmc, ...lab.devices], { port: (a) => (a.name === 'BSNS-1120-1' ? 1 : a.sshPort) });
    const run = await runInProcess(['copy', ...sshKnownHosts, csv, '--log-format', 'vendor'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(1);
    const expected = await readFile(`${FIXTURES}copy-run.log`, 'utf8');
    expect(run.stdout.replace(TIMESTAMP, 'T - ')).toBe(expected.replace(TIMESTAMP, 'T - '));
    expect(parseCopyLog(run.stdout).map((record) => record.device)).toEqual(['FMCpri', 'FTDv', 'BSNS-1120-1']);
    expect(run.stdout + run.stderr).not.toContain(lab.fmc.password);
  });

  it('from a jump server (the first row is the FMC), prints one valid document and copies to every reachable device', async () => {
    const { lab, knownHosts, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('jump.csv', [lab.fmc, ...lab.devices.filter((d) => d.name === 'FTDv')]);
    const run = await runInProcess(['copy', csv, '--known-hosts', knownHosts, '--strategy', 'expert', '--json'], { env: fixture.env });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { counts: Record<string, number>; records: Array<{ name: string; outcome: string; role: string }> };
    expectValidDocument('sftunnel-ca/copy/v1', document);
    expect(document.records).toMatchObject([{ name: 'FTDv', outcome: 'copied', role: 'ftd' }]);
  });

  it('refuses an empty password cell without a terminal, with its code and the rows, changing nothing', async () => {
    const { lab, sshKnownHosts, writeDevicesCsv } = fixture;
    const csv = await writeDevicesCsv('no-password.csv', lab.devices, { password: '' });
    const run = await runInProcess(['copy', ...sshKnownHosts, csv], { env: fixture.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DEVICE_CREDENTIALS_MISSING');
    expect(run.stderr).toContain('line 1 (FTDv), line 2 (BSNS-1120-1)');
  });
});
