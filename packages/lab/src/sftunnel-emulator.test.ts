import { diagnoseMessages, parseSftunnelStatus } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

const DAY = 86_400_000;

describe('sftunnel emulator and lab clock', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 3, caState: 'expiring', caDays: 2, direct: ['FMCpri'] });
  });
  afterAll(() => lab.stop());

  it('holds real TLS tunnels that keep running after the CA expires', async () => {
    expect(lab.tunnels().map((t) => t.state)).toEqual(['connected', 'connected', 'connected']);
    lab.clock.advance(3 * DAY);
    expect(lab.tunnels().every((t) => t.state === 'connected')).toBe(true);
  });

  it('fails the restarted tunnel with the seed’s log lines, which core diagnoses as CA_EXPIRED', async () => {
    await lab.restartTunnel('FTD-0002');
    const tunnel = lab.tunnel('FTD-0002');
    expect(tunnel.state).toBe('disconnected');
    expect(tunnel.lastError).toMatchObject({ side: 'device', code: 'CERTIFICATE_EXPIRED', message: 'err 10:certificate has expired' });
    const ftdLog = await lab.messages('FTD-0002');
    for (const line of ['-Error with certificate at depth: 1', `issuer = /title=InternalCA/OU=Intrusion Management System/CN=${lab.fmc.uuid}/O=Cisco Systems, Inc`, 'err 10:certificate has expired', 'Connect:SSL handshake failed', 'SSL Verification status: certificate has expired']) {
      expect(ftdLog).toMatch(new RegExp(`^\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d FTD-0002 SF-IMS\\[\\d+\\]: \\[\\d+\\] sftunneld:sf_ssl \\[(ERROR|WARN)\\] ${line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    }
    const findings = diagnoseMessages(ftdLog);
    expect(findings.map((f) => f.cause)).toEqual(['CA_EXPIRED']);
    expect(findings[0]).toMatchObject({ host: 'FTD-0002', depth: 1, peerAddress: lab.fmc.address });
    const fmcLog = await lab.messages('FMCpri');
    expect(fmcLog).toContain('sslv3 alert certificate expired');
    expect(diagnoseMessages(fmcLog).map((f) => f.cause)).toEqual(['PEER_REJECTED_EXPIRED']);
  });

  it('keeps a dropped tunnel down, and reports it in sftunnel_status.pl', async () => {
    await lab.dropTunnel('FTD-0003');
    expect(lab.tunnel('FTD-0003').state).toBe('disconnected');
    const client = await connectClient(lab.fmc, { username: 'root' });
    const { stdout, code } = await execOn(client, 'sftunnel_status.pl');
    client.end();
    expect(code).toBe(0);
    const peers = parseSftunnelStatus(stdout);
    expect(peers.map((p) => [p.address, p.state])).toEqual([
      [lab.devices[0]!.address, 'up'],
      [lab.devices[1]!.address, 'down'],
      [lab.devices[2]!.address, 'down'],
    ]);
    expect(peers[2]?.lastDisconnectReason).toBe('Both control and event channel connections with peer went down');
  });

  it('answers openssl and date at the lab clock, as the vendor’s expiry check needs', async () => {
    const client = await connectClient(lab.fmc, { username: 'root' });
    const check = await execOn(client, 'openssl x509 -checkend 0 -noout -in /etc/sf/ca_root/cacert.pem; echo rc=$?; date +%Y');
    client.end();
    expect(check.stdout).toBe(`Certificate will expire\nrc=1\n${lab.clock.now().getUTCFullYear()}\n`);
  });
});
