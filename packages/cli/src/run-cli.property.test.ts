/**
 * Every way in through the command line at once: argv built from the real commands and their real
 * options, given hostile values (arbitrary text, numbers out of range, formula-like cells, paths to
 * files of every kind: missing, empty, binary, a directory, loose password files, a real
 * certificate, devices.csv files), with or without a password in the environment. Whatever the
 * argv, `runCli` resolves to a documented exit code, says why when it is not 0 (on stderr, with a
 * code docs/errors.md lists and the exit code documented for it; `check`'s verdicts 5 and 6 on stdout), never
 * prints an unexpected error (only the package's coded errors may escape), and writes nothing.
 *
 * No run reaches a network: every SSH target is a closed loopback port (127.0.0.1:1) or text the
 * target parser refuses; every devices.csv names loopback addresses on port 1.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { capturedIo, documentedCodes, documentedExit, fuzzedCommands, optionArguments, printedCode, refusedAsTarget } from '../test/cli-fuzz.js';
import { EXIT_CODES } from './exit-codes.js';
import { runCli } from './run-cli.js';

describe('runCli on fuzzed argv', () => {
  let sandbox = '';
  let files: string[] = [];
  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'cli-argv-'));
    const at = (name: string): string => join(sandbox, name);
    await mkdir(at('a-directory'));
    const { stdout: certificate } = await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=InternalCA', '-days', '1']);
    const written: Array<[string, string | Buffer, number]> = [
      ['empty', '', 0o600],
      ['binary', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151) % 256)), 0o600],
      ['cacert.pem', certificate, 0o644],
      ['password', 'a-password\n', 0o600],
      ['loose-password', 'a-password\n', 0o644],
      ['devices.csv', 'FMCpri,127.0.0.1,admin,file:password,1\nFTD-1,127.0.0.2,admin,env:NO_SUCH_VARIABLE,1\n', 0o600],
      ['formula.csv', '=cmd|calc,127.0.0.3,admin,x,1\n', 0o600],
      ['inventory.yaml', 'devices:\n  - name: FTD-1\n    address: 127.0.0.2\n    port: 1\n', 0o600],
      ['known_hosts', '[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq\n', 0o600],
      ['messages', 'Nov 23 00:00:00 fmc SF-IMS[1]: [1] sftunneld:sf_ssl [ERROR] Certificate has expired\n', 0o644],
    ];
    for (const [name, content, mode] of written) await writeFile(at(name), content, { mode });
    files = [...written.map(([name]) => at(name)), at('a-directory'), at('missing'), join(sandbox, 'missing-dir', 'x.journal')];
  });
  afterAll(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it('property: any argv ends in a documented exit code, says why, lets only coded errors escape, writes nothing', async () => {
    const tree = [...fuzzedCommands().values()];
    const codes = documentedCodes();
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer({ min: -10, max: 100_000 }).map(String),
      fc.constantFrom('', '-1', '0', '1e309', 'NaN', '50%', '101%', '=cmd|calc', '+1', '@SUM(1)', '2026-13-45', 'yesterday', 'SHA256:', 'SHA256:AAAA', '../../etc/shadow', '/var/tmp/certs/../../etc', '--json'),
      fc.constantFrom(...files),
    );
    const target = fc.oneof(fc.constantFrom('admin@127.0.0.1:1', 'root@127.0.0.1:1', 'admin@[::1]:1'), fc.string({ maxLength: 30 }).filter(refusedAsTarget));
    const argv: fc.Arbitrary<string[]> = fc.oneof(
      { weight: 1, arbitrary: fc.array(text, { maxLength: 4 }) }, // no command, or an unknown one
      {
        weight: 9,
        arbitrary: fc.constantFrom(...tree).chain((command) => {
          const option = optionArguments(command, text, target);
          const positional = fc.oneof(fc.constantFrom(...files), text);
          return fc.tuple(fc.array(option, { maxLength: 6 }), fc.array(positional, { maxLength: 2 })).map(([options, rest]) => [command.name(), ...options.flat(), ...rest]);
        }),
      },
    );
    const env = fc.record({ SFTUNNEL_CA_PASSWORD: fc.option(fc.constant('a-password'), { nil: undefined }) });
    const documented = new Set<number>(Object.values(EXIT_CODES));
    const listing = async (): Promise<string[]> => (await readdir(sandbox, { recursive: true })).sort();
    const before = await listing();
    const seen = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(argv, env, async (args, environment) => {
        const { io, stdout, stderr } = capturedIo({ ...environment, HOME: sandbox, XDG_STATE_HOME: sandbox, SSH_AUTH_SOCK: '', NO_COLOR: '1' });
        const code = await runCli(args, io);
        seen.set(code, (seen.get(code) ?? 0) + 1);
        expect(documented.has(code), `exit ${code}`).toBe(true);
        expect(stderr()).not.toContain('unexpected error');
        const verdict = code === EXIT_CODES.CA_EXPIRING || code === EXIT_CODES.CA_EXPIRED; // check's result, printed as such
        if (code !== EXIT_CODES.OK) expect((verdict ? stdout() : stderr()).trim(), `exit ${code} without a word`).not.toBe('');
        if (code !== EXIT_CODES.OK && !verdict) {
          // Every failure says its code, one docs/errors.md lists, and exits as documented for it.
          const printed = printedCode(stderr());
          expect(printed !== undefined && codes.has(printed), `exit ${code} printed no documented code: ${stderr().slice(0, 300)}`).toBe(true);
          expect(code, `${printed ?? ''} exits ${code}`).toBe(documentedExit(printed ?? ''));
        }
      }),
      {
        numRuns: fuzzRuns(),
        // Cases found before, run first every time: a directory to diagnose (an uncaught EISDIR once), and
        // check's verdict on a certificate that expires tomorrow (exit 5, said on stdout, not stderr).
        examples: [
          [['diagnose', join(sandbox, 'a-directory')], { SFTUNNEL_CA_PASSWORD: undefined }],
          [['check', '--file', join(sandbox, 'cacert.pem')], { SFTUNNEL_CA_PASSWORD: undefined }],
          // And one that reaches the FMC's closed port (exit 1, CONNECT_REFUSED), which a thousand random argv may miss.
          [['status', '--fmc', 'admin@127.0.0.1:1', '--password-file', join(sandbox, 'password')], { SFTUNNEL_CA_PASSWORD: undefined }],
        ],
      },
    );
    console.log(`runCli fuzz: ${fuzzRuns()} argv, exit codes ${[...seen].sort(([a], [b]) => a - b).map(([code, n]) => `${code} ×${n}`).join(', ')}`);
    expect(await listing()).toEqual(before);
    // The cases reached beyond argument parsing: some failed on input (2), some on the appliance (1).
    expect(seen.get(EXIT_CODES.USAGE) ?? 0).toBeGreaterThan(0);
    expect(seen.get(EXIT_CODES.FAILED) ?? 0).toBeGreaterThan(0);
  }, Math.max(120_000, fuzzRuns() * 100));
});
