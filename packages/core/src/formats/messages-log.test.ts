import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { diagnoseMessages, MESSAGES_ACTIONS, MessagesDiagnoser, type MessagesFinding } from './messages-log.js';

const FTD_LOG = sharedFixture('messages-ftd.log');
const FMC_LOG = sharedFixture('messages-fmc.log');
const ISSUER = '/title=InternalCA/OU=Intrusion Management System/CN=06f5f3ca-c77b-11e2-81bf-884d9d11f3ef/O=Sourcefire, Inc.';

async function collect(findings: AsyncIterable<MessagesFinding>): Promise<MessagesFinding[]> {
  const all: MessagesFinding[] = [];
  for await (const finding of findings) all.push(finding);
  return all;
}

/** A log line of sftunneld on an FTD. */
const sftunnel = (time: string, thread: number, level: string, message: string): string =>
  `Sep 20 ${time} FTD-hostname SF-IMS[50792]: [${thread}] sftunneld:sf_ssl [${level}] ${message}\n`;

describe('diagnoseMessages', () => {
  it('does find the expired InternalCA at depth 1 in the FTD fixture', () => {
    expect(diagnoseMessages(FTD_LOG)).toEqual([
      {
        cause: 'CA_EXPIRED',
        timestamp: 'Sep 20 04:10:47',
        host: 'FTD-hostname',
        process: 'SF-IMS',
        pid: 50792,
        peerAddress: '10.10.200.31',
        depth: 1,
        issuer: ISSUER,
        subject: ISSUER,
        reason: 'err 10:certificate has expired',
        line: 7,
        action: MESSAGES_ACTIONS.CA_EXPIRED,
      },
    ]);
    expect(MESSAGES_ACTIONS.CA_EXPIRED).toMatch(/renew it now.*do not reboot or upgrade anything until every device has the new files/);
  });

  it('does find the peer rejecting the expired chain in the FMC fixture', () => {
    const [finding, ...rest] = diagnoseMessages(FMC_LOG);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ cause: 'PEER_REJECTED_EXPIRED', host: 'FMC-hostname', pid: 1504, peerAddress: '10.10.21.10', line: 5, timestamp: 'Sep 20 03:14:23' });
    expect(finding?.reason).toContain('sslv3 alert certificate expired');
  });

  it('does tell handshake failures, connection failures and unknown errors apart, one finding per attempt', () => {
    const log = [
      sftunnel('05:00:00', 1, 'INFO', 'Initiating IPv4 connection to 10.0.0.1:8305/tcp'),
      sftunnel('05:00:00', 1, 'ERROR', 'err 68:CA signature digest algorithm too weak'),
      sftunnel('05:00:00', 1, 'ERROR', 'Connect:SSL handshake failed'),
      sftunnel('05:00:01', 1, 'INFO', 'Initiating IPv6 connection to [fd00::2]:8305/tcp'),
      sftunnel('05:00:01', 1, 'ERROR', 'Unable to connect to peer (Connection refused)'),
      sftunnel('05:00:30', 1, 'ERROR', 'something new went wrong'),
      sftunnel('05:00:31', 2, 'INFO', "Peer channel valid, connected to '10.0.0.3'"),
      sftunnel('05:00:31', 3, 'ERROR', '-Error with certificate at depth: 0'),
      sftunnel('05:00:31', 3, 'ERROR', 'err 10:certificate has expired'),
      'Sep 20 05:00:32 FTD-hostname kernel: [123] eth0: link down\n',
      'not syslog at all\n',
    ].join('');
    expect(diagnoseMessages(log).map((f) => [f.cause, f.peerAddress, f.line, f.depth])).toEqual([
      ['HANDSHAKE_FAILED', '10.0.0.1', 2, undefined],
      ['CONNECT_FAILED', 'fd00::2', 5, undefined],
      ['UNKNOWN', undefined, 6, undefined],
      ['HANDSHAKE_FAILED', undefined, 9, 0],
    ]);
  });

  it('does close the oldest attempt when more are open than allowed', () => {
    const diagnoser = new MessagesDiagnoser({ maxOpenAttempts: 2 });
    const feed = (thread: number, message: string): string[] => diagnoser.feed(sftunnel('05:00:00', thread, 'INFO', message).trimEnd()).map((f) => f.cause);
    expect(feed(1, 'Connect:SSL handshake failed')).toEqual([]);
    expect(feed(2, 'Initiating IPv4 connection to 10.0.0.2:8305/tcp')).toEqual([]);
    expect(feed(3, 'Initiating IPv4 connection to 10.0.0.3:8305/tcp')).toEqual(['HANDSHAKE_FAILED']);
    expect(diagnoser.end()).toEqual([]);
  });

  it('does give the same findings from a stream cut anywhere, even inside a character', async () => {
    const bytes = new TextEncoder().encode(`${FTD_LOG.replaceAll('\n', '\r\n').replace('Inc.', 'Inc. – é')}${FMC_LOG}`);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 1001), bytes.subarray(1001, 1002), bytes.subarray(1002)];
    const fromStream = await collect(diagnoseMessages(Readable.from(chunks)));
    expect(fromStream).toEqual(diagnoseMessages(new TextDecoder().decode(bytes)));
    expect(fromStream.map((f) => f.cause)).toEqual(['CA_EXPIRED', 'PEER_REJECTED_EXPIRED']);
    expect(fromStream[0]?.issuer).toContain('Inc. – é');
  });

  it('does cut an overlong line and go on with the next', async () => {
    async function* huge(): AsyncGenerator<string> {
      yield 'x'.repeat(1000);
      for (let i = 0; i < 100; i += 1) yield 'y'.repeat(10_000);
      yield `\n${FTD_LOG}`;
    }
    const findings = await collect(diagnoseMessages(huge(), { maxLineLength: 4096 }));
    expect(findings.map((f) => [f.cause, f.line])).toEqual([['CA_EXPIRED', 8]]);
  });

  it('does read a 200 MB stream in constant memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // 64 distinct 64 KiB chunks of expired-CA attempts over 4,096 threads, replayed as the stream.
    const attempt = FTD_LOG.split('\n').slice(0, -1);
    const chunks = Array.from({ length: 64 }, (_, c) => {
      let text = '';
      for (let thread = 0; text.length < 65_536; thread += 1) text += `${attempt.map((l) => l.replace('[51982]', `[${(c * 64 + thread) % 4096}]`)).join('\n')}\n`;
      return new TextEncoder().encode(text);
    });
    const total = 200 * 1024 * 1024;
    const samples: number[] = [];
    async function* log(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      for (let i = 0; sent < total; i += 1) {
        const chunk = chunks[i % chunks.length] ?? new Uint8Array();
        sent += chunk.length;
        if (i % 400 === 0) {
          gc();
          samples.push(process.memoryUsage().heapUsed);
        }
        yield chunk;
      }
    }
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let count = 0;
    for await (const finding of diagnoseMessages(log())) if (finding.cause === 'CA_EXPIRED') count += 1;
    gc();
    samples.push(process.memoryUsage().heapUsed);
    expect(count).toBeGreaterThan(100_000);
    expect(samples.length).toBeGreaterThan(7);
    expect(Math.max(...samples) - baseline).toBeLessThan(24 * 1024 * 1024);
  });

  it('property: throws nothing on arbitrary input, and a stream agrees with the text', async () => {
    const line = fc.oneof(
      fc.constantFrom(...FTD_LOG.split('\n'), ...FMC_LOG.split('\n')),
      fc.tuple(fc.nat(5), fc.string({ maxLength: 40 })).map(([thread, message]) => sftunnel('04:10:47', thread, 'ERROR', message).slice(0, -1)),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.nat(), async (lines, cut) => {
        const text = lines.join('\n');
        onlyCodedErrors(() => diagnoseMessages(text));
        const at = text.length === 0 ? 0 : cut % text.length;
        expect(await collect(diagnoseMessages(Readable.from([text.slice(0, at), text.slice(at)])))).toEqual(diagnoseMessages(text));
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
