import fc from 'fast-check';
import { PassThrough, Readable } from 'node:stream';
import { SftunnelCaError } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import type { CliIo } from './cli-io.js';
import { writeText } from './output.js';
import { renderError } from './render-error.js';
import { terminalSafe } from './terminal-text.js';

/** What a terminal would act on: any C0 or C1 control but newline and tab, and the bidirectional overrides. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

function collecting(): { io: CliIo; printed: () => string } {
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  return { io: { stdout: out, stderr: out, stdin: Readable.from([]), env: {}, now: () => new Date() }, printed: () => printed };
}

describe('terminalSafe', () => {
  it('drops escape sequences, shows other controls as escapes, and keeps text, newlines and tabs', () => {
    expect(terminalSafe('FTD-1\x1b]0;owned\x07 \x1b[2J\x1b[31mred\x1b[0m')).toBe('FTD-1 red');
    expect(terminalSafe('a\rb\x08c\x00d\x7fe\x85f')).toBe('a\\rb\\x08c\\x00d\\x7fe\\x85f');
    expect(terminalSafe('x\x9b2Jy')).toBe('xy'); // the one-byte CSI
    expect(terminalSafe('abc\u202Efed')).toBe('abc\\u{202e}fed');
    expect(terminalSafe('name\tüñí 名前\nnext')).toBe('name\tüñí 名前\nnext');
    expect(terminalSafe('\x1b]8;;http://example.net\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
  });

  it('property: leaves nothing a terminal acts on, and changes no text without controls', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const safe = terminalSafe(text);
        expect(ACTIVE.test(safe)).toBe(false);
        if (!ACTIVE.test(text)) expect(safe).toBe(text);
      }),
      { numRuns: fuzzRuns(), seed: 22 },
    );
  });

  it('is what the CLI’s text output and error messages go through', () => {
    const text = collecting();
    writeText(text.io, 'FTD\x1b]0;title\x07-1 renewed\x1b[2K');
    expect(text.printed()).toBe('FTD-1 renewed\n');
    const error = collecting();
    renderError(error.io, new SftunnelCaError('COMMAND_FAILED', 'pmtool said \x1b[31mno\x1b[0m\r', { host: 'FTD\x1b[8m-2', step: 'restart' }), false);
    expect(ACTIVE.test(error.printed().replaceAll('\n', ''))).toBe(false);
    expect(error.printed()).toContain('pmtool said no\\r');
  });
});
