import type { DeviceResult } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { changeReport } from './change-report.js';
import { ChangeRecorder } from './change-record.js';
import { renderHtmlReport } from './report-html.js';
import { renderMarkdownReport } from './report-markdown.js';

const HOSTILE = '<img src=x onerror=alert(1)>|`*_\u001b]0;title\u0007\r\n\u202e';

function deviceResult(name: string, outcome: DeviceResult['outcome'], cause?: DeviceResult['cause']): DeviceResult {
  return {
    uuid: `uuid-${name.length}`,
    name,
    address: '127.1.1.1',
    outcome,
    cause,
    message: cause === undefined ? undefined : `${name} could not be reached`,
    step: 'connect',
    alreadyDelivered: false,
    backups: {},
    startedAt: undefined,
    finishedAt: undefined,
    durationMs: 0,
    before: { caFingerprintSha256: 'a'.repeat(64), certificateFingerprintSha256: 'b'.repeat(64) },
    after: { caFingerprintSha256: outcome === 'renewed' ? 'c'.repeat(64) : 'a'.repeat(64), certificateFingerprintSha256: outcome === 'renewed' ? 'd'.repeat(64) : 'b'.repeat(64) },
  };
}

/** A run that stopped part-way: one device renewed, one failed, then an error before the result. */
function stoppedRecord() {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const recorder = new ChangeRecorder(() => new Date((clock += 1500)), 'admin@127.0.0.10', 'devices.csv');
  recorder.started('/home/op/run.journal', '/var/tmp/certs/1767225600');
  recorder.observe({ type: 'device:done', result: deviceResult(HOSTILE, 'renewed') });
  recorder.observe({ type: 'device:done', result: deviceResult('FTD-2', 'failed', 'CONNECT_REFUSED') });
  return recorder.finish({ error: Object.assign(new Error('the FMC went away'), { code: 'CONNECTION_LOST' }), resume: 'sftunnel-ca renew --staging /var/tmp/certs/1767225600 --journal /home/op/run.journal' });
}

describe('change report of a run that stopped part-way', () => {
  const record = stoppedRecord();

  it('keeps what happened so far: the devices done, the error, the resume and rollback commands', () => {
    expect(record.outcome).toBe('stopped');
    expect(record.devices.map((d) => d.outcome)).toEqual(['renewed', 'failed']);
    expect(record.error).toEqual({ code: 'CONNECTION_LOST', message: 'the FMC went away' });
    expect(record.nextSteps[0]).toBe('Resume the run (the journal skips what is done): sftunnel-ca renew --staging /var/tmp/certs/1767225600 --journal /home/op/run.journal');
    expect(record.nextSteps.at(-1)).toBe('To go back to the previous InternalCA (backups kept): sftunnel-ca rollback --fmc admin@127.0.0.10 --devices devices.csv --journal /home/op/run.journal');
  });

  it('shows an untrusted name as one visible line: escape sequences dropped, controls and line breaks as escapes', () => {
    const cells = changeReport(record).sections.flatMap((section) => section.table?.rows ?? []).map((row) => row[0]);
    expect(cells).toContain('<img src=x onerror=alert(1)>|`*_\\r\\n\\u{202e}');
  });

  it('renders HTML with the name as text, a policy that forbids scripts and fetches, and each device’s outcome and code', () => {
    const html = renderHtmlReport(changeReport(record));
    expect(html).toContain('<td>&lt;img src=x onerror=alert(1)&gt;|`*_\\r\\n\\u{202e}</td>');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toContain('<td class="outcome-failed">failed</td><td><code>CONNECT_REFUSED</code></td>');
    expect(html).toContain('<dt>Error</dt><dd>CONNECTION_LOST: the FMC went away</dd>');
  });

  it('renders Markdown with one table row per device, the name escaped and the fingerprints as code', () => {
    const rows = renderMarkdownReport(changeReport(record)).split('\n').filter((line) => line.includes(`\`${'b'.repeat(64)}\``));
    expect(rows).toEqual([
      `| \\<img src=x onerror=alert(1)\\>\\|\\\`\\*\\_\\\\r\\\\n\\\\u{202e} | 127.1.1.1 | renewed |  | \`${'b'.repeat(64)}\` | \`${'d'.repeat(64)}\` | \`${'c'.repeat(64)}\` |  |`,
      `| FTD-2 | 127.1.1.1 | failed | \`CONNECT_REFUSED\` | \`${'b'.repeat(64)}\` | \`${'b'.repeat(64)}\` | \`${'a'.repeat(64)}\` | FTD-2 could not be reached |`,
    ]);
  });
});
