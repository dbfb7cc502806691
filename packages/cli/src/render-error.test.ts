import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import { ERROR_CODES, SftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES } from './exit-codes.js';
import { renderError } from './render-error.js';
import { runCli } from './run-cli.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const ERRORS_MD = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
const LOG = fileURLToPath(new URL('../../../test/fixtures/domain/messages-ftd.log', import.meta.url));

/** An io whose stderr is collected; stdout as given. */
function collecting(stdout: CliIo['stdout'] = new PassThrough()): { io: CliIo; printed: () => string } {
  const stderr = new PassThrough();
  let printed = '';
  stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  return { io: { stdout, stderr, stdin: Readable.from([]), env: {}, now: () => new Date() }, printed: () => printed };
}

/** A stdout that fails as a broken terminal would, with an error that is not one of ours. */
const brokenStdout = {
  write(): boolean {
    throw new TypeError('the terminal went away\n    at a line of its own');
  },
} as unknown as CliIo['stdout'];

describe('renderError', () => {
  it('prints an unexpected error as a code and one line, and its stack only with --debug', async () => {
    const plain = collecting(brokenStdout);
    const code = await runCli(['diagnose', LOG], plain.io);
    expect(code).toBe(EXIT_CODES.UNEXPECTED);
    const lines = plain.printed().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^sftunnel-ca: UNEXPECTED_ERROR: unexpected error, please report it: TypeError: the terminal went away$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}what to do: .*--debug/)]);
    expect(plain.printed()).not.toMatch(/\n\s+at /);

    const debug = collecting(brokenStdout);
    expect(await runCli(['diagnose', LOG, '--debug'], debug.io)).toBe(EXIT_CODES.UNEXPECTED);
    expect(debug.printed()).toContain('UNEXPECTED_ERROR');
    expect(debug.printed()).toMatch(/\n\s+at .*render-error\.test\.ts/);

    const json = collecting(brokenStdout);
    expect(await runCli(['diagnose', LOG, '--json'], json.io)).toBe(EXIT_CODES.UNEXPECTED);
    const document = JSON.parse(json.printed()) as { error: Record<string, unknown> };
    expect(document.error).toMatchObject({ code: 'UNEXPECTED_ERROR', message: 'unexpected error, please report it: TypeError: the terminal went away' });
    expect(document.error.stack).toBeUndefined();
  });

  it('exits with the documented code for an unknown or changed host key, not "some devices failed"', () => {
    for (const code of ['HOST_KEY_UNKNOWN', 'HOST_KEY_MISMATCH'] as const) {
      const { io, printed } = collecting();
      expect(renderError(io, new SftunnelCaError(code, 'the FMC presented another key', { host: 'fmc', step: 'connect' }), false)).toBe(EXIT_CODES.HOST_KEY);
      expect(printed()).toContain(code);
    }
  });

  it('gives every error code a documented exit code: input errors 2, preflight 3, host keys 7, the rest 1', () => {
    const documented = new Set<number>(Object.values(EXIT_CODES));
    for (const code of Object.keys(ERROR_CODES) as SftunnelCaErrorCode[]) {
      const exit = renderError(collecting().io, new SftunnelCaError(code, 'x'), false);
      expect(documented.has(exit), code).toBe(true);
      if (code.startsWith('HOST_KEY_')) expect(exit, code).toBe(EXIT_CODES.HOST_KEY);
      if (code === 'PREFLIGHT_REFUSED') expect(exit).toBe(EXIT_CODES.PREFLIGHT_REFUSED);
      if (['JOURNAL_INVALID', 'RENEWAL_COVERAGE_INCOMPLETE', 'DEVICES_CSV_INVALID_VALUE', 'INVENTORY_INVALID'].includes(code)) expect(exit, code).toBe(EXIT_CODES.USAGE);
    }
  });

  it('documents every exit code in the README table and in --help', async () => {
    const table = new Map([...readFileSync(README, 'utf8').matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2] ?? '']));
    const help = collecting();
    let out = '';
    const stdout = new PassThrough();
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await runCli(['--help'], { ...help.io, stdout });
    for (const code of Object.values(EXIT_CODES)) {
      expect(table.has(code), `README exit code ${code}`).toBe(true);
      expect(out, `--help exit code ${code}`).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
    }
  });

  it('exits, for every code docs/errors.md lists, with the exit code the README and docs/errors.md document for it', () => {
    const readme = readFileSync(README, 'utf8');
    const errors = readFileSync(ERRORS_MD, 'utf8');
    const rows = [...errors.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|(.*)$/gm)].map((m) => ({ code: m[1] ?? '', text: m[2] ?? '' }));
    expect(rows.length).toBeGreaterThan(50);
    // The README's exit-code table: each code a row names exits with that row's code; its rows 1 and 2 are the defaults.
    const table = [...readme.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ exit: Number(m[1]), text: m[2] ?? '' }));
    const documented = new Map<string, { exit: number; where: string }>();
    const note = (code: string, exit: number, where: string): void => {
      const earlier = documented.get(code);
      expect(earlier === undefined || earlier.exit === exit, `${code} is documented as exit ${earlier?.exit} (${earlier?.where}) and exit ${exit} (${where})`).toBe(true);
      documented.set(code, { exit, where });
    };
    for (const row of table) for (const m of row.text.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) note(m[1] ?? '', row.exit, `README exit table row ${row.exit}`);
    // README prose: "(`CODE`, exit N)", "`CODE` (exit N)", "(`CODE`; CLI exit N)".
    for (const m of readme.matchAll(/`([A-Z][A-Z0-9_]+)`[^`\n]{0,24}?\bexit (\d)\b/g)) note(m[1] ?? '', Number(m[2]), `README: ${m[0]}`);
    // docs/errors.md rows that say how the command exits ("exits 8").
    for (const row of rows) for (const m of row.text.matchAll(/\bexits? (\d)\b/g)) note(row.code, Number(m[1]), 'docs/errors.md');
    const known = new Set(Object.keys(ERROR_CODES));
    const inputOrFailure = new Set(table.filter((row) => /^usage or input error|^some devices failed/.test(row.text)).map((row) => row.exit));
    expect([...inputOrFailure].sort()).toEqual([EXIT_CODES.FAILED, EXIT_CODES.USAGE].sort());
    for (const { code } of rows) {
      expect(known.has(code), `docs/errors.md lists ${code}, which is not in ERROR_CODES`).toBe(true);
      const exit = renderError(collecting().io, new SftunnelCaError(code as SftunnelCaErrorCode, 'x'), false);
      const doc = documented.get(code);
      if (doc !== undefined) expect(exit, `${code}: documented exit ${doc.exit} (${doc.where})`).toBe(doc.exit);
      // A code with no exit code of its own is an input error (2) or a failure (1), as the README's table says.
      else expect(inputOrFailure.has(exit), `${code} exits ${exit}, which the README documents for no such code`).toBe(true);
    }
    // Every code the table or prose names is listed in docs/errors.md, but LAB_NOT_INSTALLED and EXPORTER_NOT_INSTALLED: prefixes of usage messages of the CLI (exit 2), not error codes.
    for (const code of documented.keys()) {
      if (code === 'LAB_NOT_INSTALLED' || code === 'EXPORTER_NOT_INSTALLED') continue;
      expect(rows.some((r) => r.code === code), `${code} is documented with an exit code but not listed in docs/errors.md`).toBe(true);
    }
  });
});
