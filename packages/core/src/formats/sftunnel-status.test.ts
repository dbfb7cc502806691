import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { createSftunnelStatusPeer, formatSftunnelStatus, parseSftunnelStatus, parseSftunnelStatusTime, type SftunnelStatusPeerParams } from './sftunnel-status.js';

const FIXTURE = sharedFixture('sftunnel-status-brief.txt');

const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :.,-]{0,30}[A-Za-z0-9]$/);
const word = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });
const peer: fc.Arbitrary<SftunnelStatusPeerParams> = fc.record({
  address: fc.oneof(fc.ipV4(), fc.ipV6()),
  channels: fc.array(
    fc.record({ name: word, valid: fc.boolean(), type: fc.constantFrom('CONTROL', 'EVENT'), interface: optional(word), connectedTo: optional(fc.ipV4()), via: optional(fc.ipV4()) }),
    { maxLength: 3 },
  ),
  registration: optional(word),
  connection: optional(fc.record({ ipVersion: fc.constantFrom('IPv4' as const, 'IPv6' as const), startTime: text })),
  heartbeatSendTime: optional(text),
  heartbeatReceivedTime: optional(text),
  attemptedAt: optional(text),
  lastDisconnectTime: optional(text),
  lastDisconnectReason: optional(text),
});

describe('parseSftunnelStatus', () => {
  it('does read one peer up and one down from the fixture', () => {
    const [up, down] = parseSftunnelStatus(FIXTURE);
    expect(up).toMatchObject({
      address: '127.0.1.10',
      state: 'up',
      registration: 'Completed',
      connection: { ipVersion: 'IPv4', startTime: 'Wed Jun 10 14:27:12 2020 UTC' },
      heartbeatSendTime: 'Mon Jun 15 09:02:08 2020 UTC',
      heartbeatReceivedTime: 'Mon Jun 15 09:02:10 2020 UTC',
      attemptedAt: undefined,
    });
    expect(up?.channels).toEqual([
      { name: 'Channel-A', valid: true, type: 'CONTROL', interface: 'eth0', connectedTo: '127.0.1.10', via: '127.0.0.10' },
      { name: 'Channel-B', valid: true, type: 'EVENT', interface: 'eth0', connectedTo: '127.0.1.10', via: '127.0.0.10' },
    ]);
    expect(down).toMatchObject({
      address: '127.0.1.11',
      state: 'down',
      channels: [],
      attemptedAt: 'Mon Jun 15 09:01:55 2020 UTC',
      lastDisconnectTime: 'Mon Jun 15 08:58:40 2020 UTC',
      lastDisconnectReason: 'Both control and event channel connections with peer went down',
    });
  });

  it('does write the fixture back byte for byte', () => {
    expect(formatSftunnelStatus(parseSftunnelStatus(FIXTURE))).toBe(FIXTURE);
  });

  it('does skip lines it does not know and call a peer with one channel degraded', () => {
    const peers = parseSftunnelStatus(`banner\r\n${FIXTURE.split('\n').slice(0, 2).join('\r\n')}\r\n**** something else\r\n`);
    expect(peers).toHaveLength(1);
    expect(peers[0]).toMatchObject({ address: '127.0.1.10', state: 'degraded' });
  });

  it('property: reads back every status formatSftunnelStatus writes, and never throws', () => {
    fc.assert(
      fc.property(fc.array(peer, { maxLength: 4 }), fc.string({ maxLength: 200 }), (peers, noise) => {
        const parsed = parseSftunnelStatus(formatSftunnelStatus(peers));
        expect(parsed.map(({ state: _state, ...rest }) => rest)).toEqual(peers);
        parseSftunnelStatus(noise);
      }),
      { numRuns: fuzzRuns() },
    );
  });
});

describe('createSftunnelStatusPeer', () => {
  it('does make a peer that shows only the lines given, read back as given', () => {
    const peer = createSftunnelStatusPeer({ address: '127.0.1.10', registration: 'Completed' });
    expect(formatSftunnelStatus([peer])).toBe('PEER:127.0.1.10\nRegistration: Completed.\n');
    const [parsed] = parseSftunnelStatus(formatSftunnelStatus([peer]));
    expect(parsed).toEqual({ ...peer, state: 'down' });
  });
});

describe('parseSftunnelStatusTime', () => {
  it('does read the appliance’s time format as UTC', () => {
    expect(parseSftunnelStatusTime('Mon Jun 15 09:02:08 2020 UTC')).toEqual(new Date('2020-06-15T09:02:08Z'));
    expect(parseSftunnelStatusTime('Fri Jun  5 09:02:08 2020')).toEqual(new Date('2020-06-05T09:02:08Z'));
    expect(parseSftunnelStatusTime('Mon Jun 31 09:02:08 2020 UTC')).toBeUndefined();
    expect(parseSftunnelStatusTime('Mon Foo 15 09:02:08 2020 UTC')).toBeUndefined();
    expect(parseSftunnelStatusTime('yesterday')).toBeUndefined();
  });
});
