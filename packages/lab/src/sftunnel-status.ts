import { formatSftunnelStatus, type SftunnelStatusPeerParams } from '@sftunnel-ca/core';
import type { TunnelStatus } from './sftunnel-emulator.js';
import { statusTime } from './time-format.js';

/**
 * `sftunnel_status.pl` output for tunnels, in the appliance's format (one block per peer), written
 * with core's `formatSftunnelStatus`.
 *
 * @param tunnels - the tunnels to show
 * @param side - `manager` on the FMC (a block per device), `device` on an FTD (a block per FMC)
 * @param now - the lab time (heartbeats)
 */
export function sftunnelStatusText(tunnels: readonly TunnelStatus[], side: 'manager' | 'device', now: Date): string {
  const peers = tunnels.map((t): SftunnelStatusPeerParams => {
    const [peer, local] = side === 'manager' ? [t.deviceAddress, t.managerAddress] : [t.managerAddress, t.deviceAddress];
    const base = {
      address: peer,
      registration: 'Completed',
      connection: undefined,
      heartbeatSendTime: undefined,
      heartbeatReceivedTime: undefined,
      attemptedAt: undefined,
      lastDisconnectTime: undefined,
      lastDisconnectReason: undefined,
    };
    if (t.state === 'connected') {
      const channel = (name: string, type: string) => ({ name, valid: true, type, interface: 'eth0', connectedTo: peer, via: local });
      return {
        ...base,
        channels: [channel('Channel-A', 'CONTROL'), channel('Channel-B', 'EVENT')],
        connection: { ipVersion: 'IPv4', startTime: statusTime(t.connectedSince ?? now) },
        heartbeatSendTime: statusTime(new Date(now.getTime() - 2000)),
        heartbeatReceivedTime: statusTime(now),
      };
    }
    return {
      ...base,
      channels: [],
      attemptedAt: statusTime(t.lastAttempt ?? now),
      lastDisconnectTime: t.lastDisconnect === undefined ? undefined : statusTime(t.lastDisconnect),
      lastDisconnectReason: t.lastDisconnectReason ?? 'Both control and event channel connections with peer went down',
    };
  });
  return formatSftunnelStatus(peers);
}
