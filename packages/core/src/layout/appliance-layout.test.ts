import { describe, expect, it } from 'vitest';
import { expectCodedError } from '../../test/expect-coded-error.js';
import { DEFAULT_APPLIANCE_LAYOUT, defineApplianceLayout, failedPushPath, fmcPushedFiles, ftdPeerFiles } from './appliance-layout.js';

const FMC = 'cdb123c8-4347-11ef-aca1-f3aa241412a1';
const FTD = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';

describe('appliance layout', () => {
  it('does hold every path of the tech note by default', () => {
    expect(DEFAULT_APPLIANCE_LAYOUT.fmc).toEqual({
      caCertificate: '/etc/sf/ca_root/cacert.pem',
      caCrl: '/etc/sf/ca_root/crl.pem',
      caKey: '/etc/sf/ca_root/cakey.pem',
      sftunnelCertificate: '/etc/sf/keys/sftunnel-cert.pem',
      sftunnelKey: '/etc/sf/keys/sftunnel-key.pem',
      sftunnelConf: '/etc/sf/sftunnel.conf',
      peersDirectory: '/var/sf/peers',
      certsPushedDirectoryName: 'certs_pushed',
      failedPushDirectory: '/var/tmp/certs',
      failedPushFileName: 'FAILED_PUSH',
      renewalLog: '/var/log/sf/sfca_generation.log',
      messagesLog: '/var/log/messages',
    });
    expect(DEFAULT_APPLIANCE_LAYOUT.ftd).toEqual({ peersDirectory: '/var/sf/peers', messagesLog: '/ngfw/var/log/messages' });
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
