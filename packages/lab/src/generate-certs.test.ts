import { parseFailedPush, parseGenerateCertsOutput } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('generate_certs.pl on the lab FMC', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 10, tunnels: { down: [2, 5, 9] }, direct: ['FMCpri'] });
  });
  afterAll(() => lab.stop());

  it('prints the vendor’s lines and writes a FAILED_PUSH naming exactly the 3 devices whose tunnel is down', async () => {
    const down = [2, 5, 9].map((i) => lab.devices[i]!);
    const client = await connectClient(lab.fmc, { username: 'root' });
    const run = await execOn(client, 'generate_certs.pl', 'yes\nyes\n');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out.startsWith('setting log file to /var/log/sf/sfca_generation.log\n\nYou are about to generate new certificates for FMC and devices.\n')).toBe(true);
    expect(out).toContain('For more details on disconnected devices, use sftunnel_status.pl\nDo you want to continue? [yes/no]:');
    expect(out).toMatch(/\n \nCurrent ca_root expires in 3\d\d\d days - at [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d \d{4} GMT\nDo you want to continue\? \[yes\/no\]:/);
    expect(out).toMatch(/\nSome files were failed to be pushed to remote peers\. For more details check \/var\/tmp\/certs\/\d+\/FAILED_PUSH\n\nScalars leaked: 1\n$/);
    const printed = parseGenerateCertsOutput(out);
    expect(printed.failures.map((f) => f.deviceName)).toEqual(down.flatMap((d) => [d.name, d.name, d.name]));
    expect(printed.failures.slice(0, 3).map((f) => f.destinationPath)).toEqual(['cacert.pem', 'sftunnel-key.pem', 'sftunnel-cert.pem'].map((f) => `/var/sf/peers/${lab.fmc.uuid}/${f}`));

    const file = await execOn(client, `cat ${printed.failedPushFile ?? ''}`);
    client.end();
    const failed = parseFailedPush(file.stdout, { fmcUuid: lab.fmc.uuid });
    expect(failed.devices.map((d) => [d.uuid, d.name, d.address, d.complete])).toEqual(down.map((d) => [d.uuid, d.name, d.address, true]));
    expect(failed.entries[1]?.sourcePath).toBe(`/var/sf/peers/${down[0]!.uuid}/certs_pushed//sftunnel-key.pem`);
    expect(await lab.readFile('FMCpri', '/var/log/sf/sfca_generation.log')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - generating a new InternalCA$/m);

    // Pushed devices reconnect with the new files; the three others now hold the old CA.
    const up = lab.devices.filter((d) => !down.includes(d));
    expect(up.map((d) => lab.tunnel(d.name).state)).toEqual(up.map(() => 'connected'));
    expect(down.map((d) => lab.tunnel(d.name).state)).toEqual(['disconnected', 'disconnected', 'disconnected']);
    expect(lab.tunnel(down[0]!.name).lastError?.code).toBe('NOT_ISSUED_BY_CA');
  });
});
