import { parseSftunnelStatus, type Host, type SftunnelStatusPeer } from '@sftunnel-ca/core';

/** The FMC's view of its tunnels: `sftunnel_status.pl`, parsed, one record per peer. */
export async function readFmcTunnels(fmc: Host): Promise<readonly SftunnelStatusPeer[]> {
  return parseSftunnelStatus((await fmc.run('sftunnel_status.pl')).stdout);
}
