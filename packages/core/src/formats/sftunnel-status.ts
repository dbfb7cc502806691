import { monthIndex } from './month-names.js';

/** One `Peer channel …` line: a channel of the tunnel to a peer. */
export interface SftunnelStatusChannel {
  /** `Channel-A`, `Channel-B`. */
  readonly name: string;
  /** Whether the line says `is valid`. */
  readonly valid: boolean;
  /** `CONTROL` or `EVENT`. */
  readonly type: string;
  /** The local interface (`using 'eth0'`), when shown. */
  readonly interface: string | undefined;
  /** The peer address it is connected to, when shown. */
  readonly connectedTo: string | undefined;
  /** The local address it is connected from, when shown. */
  readonly via: string | undefined;
}

/** `up`: both control and event channels valid; `degraded`: one of them; `down`: none. */
export type SftunnelPeerState = 'up' | 'degraded' | 'down';

/** The line that says since when a peer is connected. */
export interface SftunnelStatusConnection {
  /** The address family of the connection. */
  readonly ipVersion: 'IPv4' | 'IPv6';
  /** When it started, as printed (`Wed Jun 10 14:27:12 2020 UTC`). */
  readonly startTime: string;
}

/** What {@link formatSftunnelStatus} writes for one peer. Times are as the appliance prints them. */
export interface SftunnelStatusPeerParams {
  /** The `PEER:<address>` of the block. */
  readonly address: string;
  /** The `Peer channel …` lines; none when the peer is down. */
  readonly channels: readonly SftunnelStatusChannel[];
  /** `Completed` in `Registration: Completed.`, when shown. */
  readonly registration: string | undefined;
  /** The `IPv4 Connection to peer '…' Start Time: …` line, when shown. */
  readonly connection: SftunnelStatusConnection | undefined;
  /** `Heartbeat Send Time: …`, when shown. */
  readonly heartbeatSendTime: string | undefined;
  /** `Heartbeat Received Time: …`, when shown. */
  readonly heartbeatReceivedTime: string | undefined;
  /** `Connection to peer '…' Attempted at …`: the last reconnection attempt of a peer that is down. */
  readonly attemptedAt: string | undefined;
  /** `Last disconnect time : …`, when shown. */
  readonly lastDisconnectTime: string | undefined;
  /** `Last disconnect reason : …`, e.g. `Both control and event channel connections with peer went down`. */
  readonly lastDisconnectReason: string | undefined;
}

/** One peer of `sftunnel_status.pl` output. */
export interface SftunnelStatusPeer extends SftunnelStatusPeerParams {
  /** Derived from the channels. */
  readonly state: SftunnelPeerState;
}

const CHANNEL = /^Peer channel (\S+) is (valid|invalid|not valid) type \(([^)]*)\)(?:, using '([^']*)')?(?:, connected to '([^']*)')?(?: via '([^']*)')?$/;
const CONNECTION = /^(IPv4|IPv6) Connection to peer '[^']*' Start Time: (.+)$/;
const ATTEMPTED = /^Connection to peer '[^']*' Attempted at (.+)$/;
const REGISTRATION = /^Registration: (.*?)\.?$/;

/** The `label: value` lines of a peer block and the field each fills: heartbeats come before the attempt line, disconnects after. */
const HEARTBEATS = [
  ['Heartbeat Send Time: ', 'heartbeatSendTime'],
  ['Heartbeat Received Time: ', 'heartbeatReceivedTime'],
] as const;
const DISCONNECTS = [
  ['Last disconnect time : ', 'lastDisconnectTime'],
  ['Last disconnect reason : ', 'lastDisconnectReason'],
] as const;
const LABELLED = [...HEARTBEATS, ...DISCONNECTS];

/**
 * Reads the output of `sftunnel_status.pl` on the FMC (or `sftunnel-status-brief` on a
 * device): one block per peer, from `PEER:<address>` to the next. Lines it does not know are
 * skipped, so whole sessions can be passed.
 *
 * @param text - the command's output
 * @returns the peers, in order
 *
 * @example
 * ```ts
 * const down = parseSftunnelStatus(stdout).filter((p) => p.state !== 'up');
 * down.map((p) => `${p.address}: ${p.lastDisconnectReason ?? 'no reason shown'}`);
 * ```
 */
export function parseSftunnelStatus(text: string): readonly SftunnelStatusPeer[] {
  const peers: SftunnelStatusPeer[] = [];
  let peer: Mutable<SftunnelStatusPeerParams> | undefined;
  const close = (): void => {
    if (peer !== undefined) peers.push(Object.freeze({ ...peer, channels: Object.freeze(peer.channels), state: stateOf(peer.channels) }));
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('PEER:')) {
      close();
      peer = createSftunnelStatusPeer({ address: line.slice(5).trim() });
      continue;
    }
    if (peer === undefined) continue;
    const channel = CHANNEL.exec(line);
    const connection = CONNECTION.exec(line);
    const labelled = LABELLED.find(([label]) => line.startsWith(label));
    if (channel !== null) {
      const [, name = '', validity, type = '', iface, connectedTo, via] = channel;
      peer.channels = [...peer.channels, Object.freeze({ name, valid: validity === 'valid', type, interface: iface, connectedTo, via })];
    } else if (connection !== null) {
      peer.connection = Object.freeze({ ipVersion: connection[1] === 'IPv6' ? 'IPv6' : 'IPv4', startTime: connection[2] ?? '' });
    } else if (labelled !== undefined) {
      peer[labelled[1]] = line.slice(labelled[0].length);
    } else {
      peer.attemptedAt = ATTEMPTED.exec(line)?.[1] ?? peer.attemptedAt;
      peer.registration = REGISTRATION.exec(line)?.[1] ?? peer.registration;
    }
  }
  close();
  return Object.freeze(peers);
}

/**
 * A peer for {@link formatSftunnelStatus} from the lines it shows: every field not given is a
 * line not shown, and a peer without channels is down.
 *
 * @param fields - the address and the lines shown
 *
 * @example
 * ```ts
 * formatSftunnelStatus([createSftunnelStatusPeer({ address: '10.0.0.5', registration: 'Completed' })]);
 * ```
 */
export function createSftunnelStatusPeer(
  fields: Pick<SftunnelStatusPeerParams, 'address'> & Partial<SftunnelStatusPeerParams>,
): SftunnelStatusPeerParams {
  return { ...NOT_SHOWN, ...fields };
}

/**
 * Writes peers in `sftunnel_status.pl`'s format, as {@link parseSftunnelStatus} reads it
 * (for the lab's emulated FMC and for reports).
 *
 * @param peers - the peers, in order
 *
 * @example
 * ```ts
 * const peers = parseSftunnelStatus(statusText);
 * formatSftunnelStatus(peers.filter((p) => p.state !== 'up')); // a report of the peers not up
 * ```
 */
export function formatSftunnelStatus(peers: readonly SftunnelStatusPeerParams[]): string {
  return peers
    .map((p) => {
      const lines = [`PEER:${p.address}`];
      for (const c of p.channels) {
        let line = `Peer channel ${c.name} is ${c.valid ? 'valid' : 'invalid'} type (${c.type})`;
        if (c.interface !== undefined) line += `, using '${c.interface}'`;
        if (c.connectedTo !== undefined) line += `, connected to '${c.connectedTo}'`;
        if (c.via !== undefined) line += ` via '${c.via}'`;
        lines.push(line);
      }
      if (p.registration !== undefined) lines.push(`Registration: ${p.registration}.`);
      if (p.connection !== undefined) lines.push(`${p.connection.ipVersion} Connection to peer '${p.address}' Start Time: ${p.connection.startTime}`);
      for (const [label, field] of HEARTBEATS) if (p[field] !== undefined) lines.push(label + p[field]);
      if (p.attemptedAt !== undefined) lines.push(`Connection to peer '${p.address}' Attempted at ${p.attemptedAt}`);
      for (const [label, field] of DISCONNECTS) if (p[field] !== undefined) lines.push(label + p[field]);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

const STATUS_TIME = /^(?:[A-Z][a-z]{2} +)?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})(?: UTC)?$/;

/**
 * The instant of a time as `sftunnel_status.pl` prints it (`Mon Jun 15 09:02:08 2020 UTC`).
 *
 * @returns the date, or `undefined` when the text is not such a time
 *
 * @example
 * ```ts
 * parseSftunnelStatusTime('Mon Jun 15 09:02:08 2020 UTC')?.toISOString(); // '2020-06-15T09:02:08.000Z'
 * ```
 */
export function parseSftunnelStatusTime(text: string): Date | undefined {
  const match = STATUS_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, month = '', ...numbers] = match;
  const [day = 0, hour = 0, minute = 0, second = 0, year = 0] = numbers.map(Number);
  const date = new Date(Date.UTC(year, monthIndex(month), day, hour, minute, second));
  const exact = [date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].join() === [day, hour, minute, second].join();
  return monthIndex(month) !== -1 && exact ? date : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NOT_SHOWN: Omit<SftunnelStatusPeerParams, 'address'> = {
  channels: Object.freeze([]),
  registration: undefined,
  connection: undefined,
  heartbeatSendTime: undefined,
  heartbeatReceivedTime: undefined,
  attemptedAt: undefined,
  lastDisconnectTime: undefined,
  lastDisconnectReason: undefined,
};

function stateOf(channels: readonly SftunnelStatusChannel[]): SftunnelPeerState {
  const valid = new Set(channels.filter((c) => c.valid).map((c) => c.type));
  if (valid.has('CONTROL') && valid.has('EVENT')) return 'up';
  return valid.size > 0 ? 'degraded' : 'down';
}
