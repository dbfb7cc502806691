import { createSftunnelStatusPeer, formatSftunnelStatus } from '@sftunnel-ca/core';
import { DISCONNECT_REASON, type TunnelStatus } from './sftunnel-emulator.js';
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
  const peers = tunnels.map((t) => {
    const [peer, local] = side === 'manager' ? [t.deviceAddress, t.managerAddress] : [t.managerAddress, t.deviceAddress];
    const base = { address: peer, registration: 'Completed' };
    if (t.state === 'connected') {
      const channel = (name: string, type: string) => ({ name, valid: true, type, interface: 'eth0', connectedTo: peer, via: local });
      return createSftunnelStatusPeer({
        ...base,
        channels: [channel('Channel-A', 'CONTROL'), channel('Channel-B', 'EVENT')],
        connection: { ipVersion: 'IPv4', startTime: statusTime(t.connectedSince ?? now) },
        heartbeatSendTime: statusTime(new Date(now.getTime() - 2000)),
        heartbeatReceivedTime: statusTime(now),
      });
    }
    return createSftunnelStatusPeer({
      ...base,
      attemptedAt: statusTime(t.lastAttempt ?? now),
      lastDisconnectTime: t.lastDisconnect === undefined ? undefined : statusTime(t.lastDisconnect),
      lastDisconnectReason: t.lastDisconnectReason ?? DISCONNECT_REASON,
    });
  });
  return formatSftunnelStatus(peers);
}
