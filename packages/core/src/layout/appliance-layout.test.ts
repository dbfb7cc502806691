import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { DEFAULT_APPLIANCE_LAYOUT, defineApplianceLayout, failedPushPath, fmcPushedFiles, ftdPeerFiles } from './appliance-layout.js';

const FMC = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';

describe('appliance layout', () => {
  it('does hold by default the paths the vendor’s own files name', () => {
    const { fmc } = DEFAULT_APPLIANCE_LAYOUT;
    const peer = ftdPeerFiles(DEFAULT_APPLIANCE_LAYOUT, FMC);
    // sftunnel.conf points at the FMC's own pair, its CA and its CRL.
    const conf = sharedFixture('sftunnel.conf');
    const directive = (name: string): string | undefined => new RegExp(`^\\s*${name}\\s+(\\S+);$`, 'm').exec(conf)?.[1];
    expect(['proxy_cert', 'proxy_key', 'proxy_cacert', 'proxy_crl'].map(directive)).toEqual([fmc.sftunnelCertificate, fmc.sftunnelKey, fmc.caCertificate, fmc.caCrl]);
    // generate_certs.pl names its log, each device's peer files, and the FAILED_PUSH it wrote.
    const run = sharedFixture('generate-certs-run.txt');
    expect(run).toContain(`setting log file to ${fmc.renewalLog}\n`);
    for (const path of [peer.caCertificate, peer.sftunnelKey, peer.sftunnelCertificate]) expect(run).toContain(`Failed to push to BSNS-1120-1 = ${path}\n`);
    expect(run).toContain(`For more details check ${failedPushPath(DEFAULT_APPLIANCE_LAYOUT, 1728915794)}\n`);
    // FAILED_PUSH: the FMC's CA and the device's certs_pushed pair, each to the device's peer file (the vendor writes `certs_pushed//`).
    const pushed = fmcPushedFiles(DEFAULT_APPLIANCE_LAYOUT, FTD);
    const failedPush = sharedFixture('FAILED_PUSH').replaceAll('//', '/');
    for (const [from, to] of [[fmc.caCertificate, peer.caCertificate], [pushed.sftunnelKey, peer.sftunnelKey], [pushed.sftunnelCertificate, peer.sftunnelCertificate]]) {
      expect(failedPush).toContain(`${FTD} BSNS-1120-1 10.48.67.54 ${from} ${to}\n`);
    }
    // What those files do not show: the CA key beside the CA, sftunnel.conf itself, the messages logs.
    expect(fmc).toMatchObject({ caKey: '/etc/sf/ca_root/cakey.pem', sftunnelConf: '/etc/sf/sftunnel.conf', messagesLog: '/var/log/messages' });
    expect(DEFAULT_APPLIANCE_LAYOUT.ftd.messagesLog).toBe('/ngfw/var/log/messages');
    expect(DEFAULT_APPLIANCE_LAYOUT).toMatchObject({ peerFileOwner: 'root', peerFileGroup: 'root', peerFileMode: 0o644, backupSuffix: '.backup' });
    expect(Object.isFrozen(DEFAULT_APPLIANCE_LAYOUT.fmc)).toBe(true);
  });

  it('does name a peer’s files on the FTD and on the FMC', () => {
    expect(ftdPeerFiles(DEFAULT_APPLIANCE_LAYOUT, FMC)).toEqual({
      directory: `/var/sf/peers/${FMC}`,
      caCertificate: `/var/sf/peers/${FMC}/cacert.pem`,
      sftunnelCertificate: `/var/sf/peers/${FMC}/sftunnel-cert.pem`,
      sftunnelKey: `/var/sf/peers/${FMC}/sftunnel-key.pem`,
    });
    expect(fmcPushedFiles(DEFAULT_APPLIANCE_LAYOUT, FTD)).toEqual({
      directory: `/var/sf/peers/${FTD}/certs_pushed`,
      sftunnelCertificate: `/var/sf/peers/${FTD}/certs_pushed/sftunnel-cert.pem`,
      sftunnelKey: `/var/sf/peers/${FTD}/certs_pushed/sftunnel-key.pem`,
    });
    expect(failedPushPath(DEFAULT_APPLIANCE_LAYOUT, 1728915794)).toBe('/var/tmp/certs/1728915794/FAILED_PUSH');
  });

  it('does override some paths and keep the others', () => {
    const layout = defineApplianceLayout({ ftd: { peersDirectory: '/ngfw/var/sf/peers' }, peerFiles: { sftunnelKey: 'key.pem' }, peerFileMode: 0o600 });
    expect(ftdPeerFiles(layout, FMC).sftunnelKey).toBe(`/ngfw/var/sf/peers/${FMC}/key.pem`);
    expect(layout.fmc).toEqual(DEFAULT_APPLIANCE_LAYOUT.fmc);
    expect(layout.peerFileMode).toBe(0o600);
    expect(defineApplianceLayout({ fmc: { renewalLog: '/tmp/x.log' } }, layout).peerFiles.sftunnelKey).toBe('key.pem');
  });

  it('does refuse paths that are not absolute and normalised, and peer names that are not UUIDs', () => {
    for (const overrides of [
      { fmc: { caCertificate: 'etc/sf/ca_root/cacert.pem' } },
      { fmc: { caCertificate: '/etc/sf/../cacert.pem' } },
      { ftd: { peersDirectory: '/var/sf/peers/' } },
      { peerFiles: { caCertificate: '../cacert.pem' } },
      { fmc: { failedPushFileName: 'a/b' } },
      { peerFileMode: 0o10000 },
    ]) {
      expectCodedError(() => defineApplianceLayout(overrides), 'INVALID_ARGUMENT');
    }
    expectCodedError(() => ftdPeerFiles(DEFAULT_APPLIANCE_LAYOUT, '../../etc'), 'INVALID_UUID');
    expectCodedError(() => fmcPushedFiles(DEFAULT_APPLIANCE_LAYOUT, ''), 'INVALID_UUID');
    expectCodedError(() => failedPushPath(DEFAULT_APPLIANCE_LAYOUT, -1), 'INVALID_ARGUMENT');
  });
});
