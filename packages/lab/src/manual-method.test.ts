import { ftdPeerFiles, fmcPushedFiles } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { KeystrokeSession } from './testing/keystrokes.js';

const ROOT_PROMPT = /root@FTD-0001:[^\n]*# $/;

describe('the manual method over SSH, on an FTD whose CA has expired', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 2, caState: 'expired' });
  });
  afterAll(() => lab.stop());

  it('keeps the tunnel down without the new files, and brings it up with them', async () => {
    const ftd = lab.devices[0]!;
    const fmc = lab.fmc;
    // A network blip: the tunnel of FTD-0001 drops and, the CA having expired, cannot come back.
    await lab.dropTunnel(ftd.name);
    await lab.restartTunnel(ftd.name);
    expect(lab.tunnel(ftd.name).state).toBe('disconnected');
    expect(lab.tunnel(ftd.name).lastError?.code).toBe('CERTIFICATE_EXPIRED');
    expect(lab.tunnel(lab.devices[1]!.name).state).toBe('connected');

    // The vendor's script on the FMC, typed: it pushes to FTD-0002 and fails for FTD-0001.
    const console = await KeystrokeSession.open(fmc);
    await console.waitFor(/> $/);
    await console.line('expert', /admin@FMCpri:~\$ $/);
    await console.line('sudo su', /Password:$/);
    await console.line(fmc.password, /root@FMCpri:\/home\/admin# $/);
    await console.line('generate_certs.pl', /\[yes\/no\]:$/);
    const second = await console.line('yes', /\[yes\/no\]:$/);
    expect(second).toMatch(/Current ca_root expires in -5 days - at \w{3} \d{1,2} \d\d:\d\d:\d\d \d{4} GMT/);
    const report = await console.line('yes', /root@FMCpri:\/home\/admin# $/);
    expect(report).toContain(`Failed to push to ${ftd.name} = /var/sf/peers/${fmc.uuid}/cacert.pem`);
    expect(report).not.toContain(`Failed to push to ${lab.devices[1]!.name}`);
    console.close();
    expect(lab.tunnel(lab.devices[1]!.name).state).toBe('connected');

    // Without the new files, restarting the tunnel on the device does not help.
    const session = await KeystrokeSession.open(ftd);
    await session.waitFor(/> $/);
    await session.line('expert', /admin@FTD-0001:~\$ $/);
    await session.line('sudo su', /Password:$/);
    await session.line('wrong-password', /Sorry, try again\.\nPassword:$/);
    await session.line(ftd.password, ROOT_PROMPT);
    await session.line('pmtool restartbyid sftunnel', ROOT_PROMPT);
    expect(lab.tunnel(ftd.name).state).toBe('disconnected');

    // The manual method, as the tech note gives it.
    const peer = ftdPeerFiles(lab.layout, fmc.uuid);
    const pushed = fmcPushedFiles(lab.layout, ftd.uuid);
    const newCa = await lab.readFile(fmc.name, lab.layout.fmc.caCertificate);
    const newCert = await lab.readFile(fmc.name, pushed.sftunnelCertificate);
    const newKey = await lab.readFile(fmc.name, pushed.sftunnelKey);
    await session.line(`cd ${peer.directory}`, ROOT_PROMPT);
    await session.line('cp cacert.pem cacert.pem.backup', ROOT_PROMPT);
    await session.line('cp sftunnel-cert.pem sftunnel-cert.pem.backup', ROOT_PROMPT);
    await session.line('cp sftunnel-key.pem sftunnel-key.pem.backup', ROOT_PROMPT);
    await session.line('> cacert.pem', ROOT_PROMPT);
    // New content by heredoc (typed line by line at the `> ` continuation prompt) …
    session.type("cat > cacert.pem <<'EOF'\r");
    for (const line of newCa.trimEnd().split('\n')) {
      await session.waitFor(/> $/);
      session.type(`${line}\r`);
    }
    await session.waitFor(/> $/);
    await session.line('EOF', ROOT_PROMPT);
    // … and by base64 -d.
    await session.line('> sftunnel-cert.pem', ROOT_PROMPT);
    await session.line(`echo ${Buffer.from(newCert).toString('base64')} | base64 -d > sftunnel-cert.pem`, ROOT_PROMPT);
    await session.line('> sftunnel-key.pem', ROOT_PROMPT);
    await session.line(`echo ${Buffer.from(newKey).toString('base64')} | base64 -d > sftunnel-key.pem`, ROOT_PROMPT);
    await session.line('chown root:root cacert.pem sftunnel-cert.pem sftunnel-key.pem', ROOT_PROMPT);
    await session.line('chmod 644 cacert.pem sftunnel-cert.pem sftunnel-key.pem', ROOT_PROMPT);
    const listing = await session.line('ls -hal', ROOT_PROMPT);
    expect(listing).toMatch(/-rw-r--r-- 1 root root .* cacert\.pem\n/);
    expect(listing).toMatch(/-rw-r--r-- 1 root root .* cacert\.pem\.backup\n/);
    const modes = await session.line("stat -c '%a %U:%G %n' cacert.pem sftunnel-cert.pem sftunnel-key.pem", ROOT_PROMPT);
    expect(modes).toContain('644 root:root cacert.pem\n644 root:root sftunnel-cert.pem\n644 root:root sftunnel-key.pem\n');
    const dates = await session.line('openssl x509 -enddate -noout -in cacert.pem', ROOT_PROMPT);
    expect(dates).toMatch(/notAfter=\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT/);
    expect(await lab.readFile(ftd.name, peer.caCertificate)).toBe(newCa);
    expect(await lab.readFile(ftd.name, peer.sftunnelKey)).toBe(newKey);
    await session.line('pmtool restartbyid sftunnel', ROOT_PROMPT);
    expect(lab.tunnel(ftd.name).state).toBe('connected');
    const status = await session.line('sftunnel_status.pl', ROOT_PROMPT);
    expect(status).toContain(`Peer channel Channel-A is valid type (CONTROL), using 'eth0', connected to '${fmc.address}' via '${ftd.address}'`);
    await session.line('exit', /admin@FTD-0001:~\$ $/);
    await session.line('exit', /> $/);
    session.close();
  });
});
