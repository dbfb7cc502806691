/**
 * The command line fuzzed with the files it is handed: generated inventories (devices.csv, YAML,
 * JSON; well-formed, malformed and hostile: passwords shifted into the address, control characters,
 * byte order marks and UTF-16, truncated, huge rows, `file:` references to FIFOs, /proc, links,
 * loose or missing files) and journals (valid, truncated, damaged, another FMC's, loose, another
 * user's, a directory, a FIFO, where none can be written), through `copy`, `plan`, `renew`, `verify`
 * and `rollback`, in process.
 *
 * Whatever the files, `runCli` resolves to a documented exit code other than 8; a failure prints a
 * code docs/errors.md lists and exits with the code documented for it; no password ever shows in
 * what it prints; and nothing connects anywhere but loopback: every SSH target is a closed port on
 * 127.0.0.0/8, inventory addresses are loopback, names under `.invalid`, text that is no address,
 * or a password (which must be refused before anything connects), and a guard records every
 * connection and name lookup. Nothing in the sandbox of fixed files is written.
 */
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '@sftunnel-ca/core/testing';
import { capturedIo, documentedCodes, documentedExit, fuzzedCommands, guardNetwork, isLoopback, optionArguments, printedCode, type NetworkGuard } from '../test/cli-fuzz.js';
import { EXIT_CODES } from './exit-codes.js';
import { runCli } from './run-cli.js';

/** The passwords in play, each shaped like a host name: only their being a password may refuse them as an address. */
const INLINE_SECRET = 'hunter2-horse';
const FILE_SECRET = 'correct-battery';
const ENV_SECRET = 'staple-tr0ub4dor';
const SECRETS = [INLINE_SECRET, FILE_SECRET, ENV_SECRET];
const FMC_UUID = 'c8d5d5c6-87c9-11ef-a993-b9831565bc4e';
const OTHER_FMC_UUID = '00000000-0000-4000-8000-000000000000';
const STAGING = '/var/tmp/certs/1763856000';

/** One device of a generated inventory, before it is written in a format. */
interface GeneratedRow {
  readonly name: string;
  readonly address: string;
  readonly user: string;
  /** The password cell: inline, `env:…`, `file:…` or empty. */
  readonly password: string;
  readonly port: string;
}

/** How an inventory's text becomes the file's bytes. */
type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'latin1' | 'truncated' | 'huge-row';

function csvCell(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function render(format: 'csv' | 'csv-header' | 'yaml' | 'json', rows: readonly GeneratedRow[]): string {
  const port = (row: GeneratedRow): string | number => (/^\d+$/.test(row.port) ? Number(row.port) : row.port);
  switch (format) {
    case 'csv':
      return rows.map((r) => [r.name, r.address, r.user, r.password, r.port].map(csvCell).join(',')).join('\n') + '\n';
    case 'csv-header':
      return ['name,ip,user,password,port', ...rows.map((r) => [r.name, r.address, r.user, r.password, r.port].map(csvCell).join(','))].join('\n') + '\n';
    case 'json':
      return JSON.stringify({ devices: rows.map((r) => ({ name: r.name, address: r.address, user: r.user, ...(r.password === '' ? {} : { password: r.password }), port: port(r) })) }, null, 2);
    case 'yaml':
      return `devices:\n${rows
        .map((r) => `  - name: ${JSON.stringify(r.name)}\n    address: ${JSON.stringify(r.address)}\n    user: ${JSON.stringify(r.user)}\n${r.password === '' ? '' : `    password: ${JSON.stringify(r.password)}\n`}    port: ${JSON.stringify(port(r))}\n`)
        .join('')}`;
  }
}

function encode(text: string, encoding: Encoding, cut: number): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  switch (encoding) {
    case 'utf8':
      return utf8;
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'latin1':
      return Buffer.from(`${text}# caf\u00e9\n`, 'latin1');
    case 'truncated':
      return utf8.subarray(0, cut % (utf8.length + 1));
    case 'huge-row':
      return Buffer.concat([utf8, Buffer.from(`FTD-huge-${'x'.repeat(200_000)},127.0.0.9,admin,,1\n`)]);
  }
}

describe('runCli on fuzzed inventories and journals', () => {
  let sandbox = '';
  let runs = '';
  let guard: NetworkGuard | undefined;
  const at = (name: string): string => join(sandbox, name);

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'cli-inputs-'));
    runs = await mkdtemp(join(tmpdir(), 'cli-inputs-runs-'));
    const file = async (name: string, content: string | Buffer, mode = 0o600): Promise<void> => {
      await writeFile(at(name), content, { mode });
      await chmod(at(name), mode);
    };
    // Password files a `file:` reference may name.
    await file('pw-ok', `${FILE_SECRET}\n`);
    await file('pw-loose', `${FILE_SECRET}\n`, 0o644);
    await file('pw-huge', Buffer.alloc(70 * 1024, 0x61));
    await symlink(at('pw-ok'), at('pw-link'));
    await symlink(at('pw-loose'), at('pw-link-loose'));
    execFileSync('mkfifo', [at('pw-fifo')]);
    await mkdir(at('pw-dir'));
    await file('fmc-password', 'fmc-password-not-used\n');
    await file('known_hosts', '[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq\n');
    // Journals.
    const start = { type: 'start', at: '2026-11-23T00:00:00.000Z', fmcUuid: FMC_UUID, stagingDirectory: STAGING };
    const delivered = { type: 'delivered', uuid: '0f6f2a4c-1b7e-4c1e-9a55-3d2a4b7c9e01', backups: {}, before: {} };
    const lines = (...entries: object[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    await mkdir(at('journals'));
    await file('journals/valid.journal', lines(start, delivered, { type: 'renewed', uuid: delivered.uuid }));
    await file('journals/truncated.journal', `${lines(start, delivered)}{"type":"renew`);
    await file('journals/damaged.journal', `${lines(start)}{"type":"delivered","uuid":\n${lines(delivered)}`);
    await file('journals/other-fmc.journal', lines({ ...start, fmcUuid: OTHER_FMC_UUID }));
    await file('journals/no-start.journal', lines(delivered));
    await file('journals/empty.journal', '');
    await file('journals/binary.journal', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97) % 256)));
    // A blank first line (a journal still: blank lines are skipped) keeps the secret audit from counting this loose fixture as a journal the CLI wrote.
    await file('journals/loose.journal', `\n${lines(start)}`, 0o644);
    await file('journals/foreign-owner.journal', lines(start));
    await chown(at('journals/foreign-owner.journal'), 65534, 65534);
    await symlink(at('journals/valid.journal'), at('journals/link.journal'));
    await mkdir(at('journals/directory.journal'), { mode: 0o700 });
    execFileSync('mkfifo', [at('journals/fifo.journal')]);
  });
  afterAll(async () => {
    guard?.restore();
    await rm(sandbox, { recursive: true, force: true });
    await rm(runs, { recursive: true, force: true });
  });

  it('property: any inventory and journal end in a documented code and exit code, never echo a password, and reach nothing but loopback', async () => {
    const commands = fuzzedCommands();
    const codes = documentedCodes();
    const passwordCell = fc.oneof(
      fc.constant(INLINE_SECRET),
      fc.constantFrom('env:FTD_PASSWORD', 'env:NO_SUCH_VARIABLE', ''),
      fc.constantFrom('pw-ok', 'pw-loose', 'pw-huge', 'pw-link', 'pw-link-loose', 'pw-fifo', 'pw-dir', 'pw-missing').map((name) => `file:${at(name)}`),
      fc.constantFrom('file:/proc/self/environ', 'file:/proc/self/status', 'file:/dev/zero', 'file:/sys/kernel/notes', 'file:relative-password'),
    );
    const octet = fc.integer({ min: 0, max: 255 });
    const goodAddress = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(octet, octet, fc.integer({ min: 1, max: 254 })).map(([a, b, c]) => `127.${a}.${b}.${c}`) },
      { weight: 2, arbitrary: fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/).map((label) => `${label}.invalid`) },
      { weight: 1, arbitrary: fc.constant('::1') },
    );
    const secretAddress = fc.constantFrom(...SECRETS); // a password shifted into the address
    // Text that is no address (a character no host name has, or none at all): never connected to.
    const noAddress = fc.oneof(fc.constantFrom('999.1.1.1', 'fmc..invalid', '=cmd|calc', 'x\u001b[2J.invalid', ''), fc.string({ maxLength: 20 }).map((text) => `${text} !`));
    const address = fc.oneof({ weight: 6, arbitrary: goodAddress }, { weight: 3, arbitrary: secretAddress }, { weight: 2, arbitrary: noAddress });
    const name = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('FTD-1', 'FTD-2', 'FMCpri', 'BSNS-1120-1') },
      { weight: 1, arbitrary: fc.constantFrom('FTD\u001b[2J\u001b]0;pwned\u0007-1', 'FTD\u202e1-', 'x'.repeat(5000), '') },
      { weight: 1, arbitrary: fc.string({ maxLength: 16, unit: 'binary' }) },
    );
    const row: fc.Arbitrary<GeneratedRow> = fc.record({
      name,
      address,
      user: fc.oneof({ weight: 5, arbitrary: fc.constant('admin') }, { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) }),
      password: passwordCell,
      port: fc.oneof({ weight: 6, arbitrary: fc.constant('1') }, { weight: 1, arbitrary: fc.constantFrom('0', '65536', 'x', '') }),
    });
    // Well-formed rows (unique names, addresses on loopback or under .invalid, references that resolve): runs get past the inventory to the journal and the FMC.
    const wellFormed = fc
      .array(fc.record({ address: goodAddress, password: fc.constantFrom('env:FTD_PASSWORD', `file:${at('pw-ok')}`, `file:${at('pw-link')}`) }), { minLength: 1, maxLength: 5 })
      .map((list) => list.map((r, i): GeneratedRow => ({ name: `FTD-${i + 1}`, address: r.address, user: 'admin', password: r.password, port: '1' })));
    // What a generated inventory is, by construction: well-formed, well-formed but for one address (a password or no address), or anything.
    const rows = fc
      .oneof(
        wellFormed.map((list) => ({ flaw: 'none' as const, list })),
        wellFormed.chain((list) => fc.tuple(fc.nat(list.length - 1), fc.oneof(secretAddress, noAddress)).map(([i, bad]) => ({ flaw: 'address' as const, list: list.map((r, j) => (j === i ? { ...r, address: bad } : r)) }))),
        fc.array(row, { minLength: 1, maxLength: 5 }).map((list) => ({ flaw: 'any' as const, list })),
      )
      // A password shifted into an address is one the run knows: its cell is in the inventory (the row's own, or another row's).
      .map(({ flaw, list }) => ({
        flaw,
        list: list.map((r): GeneratedRow => {
          const cell = { [INLINE_SECRET]: INLINE_SECRET, [FILE_SECRET]: `file:${at('pw-ok')}`, [ENV_SECRET]: 'env:FTD_PASSWORD' }[r.address];
          return cell === undefined || list.some((other) => other.password === cell) ? r : { ...r, password: cell };
        }),
      }));
    const inventory = fc.oneof(
      {
        weight: 9,
        arbitrary: fc
          .record({
            rows,
            format: fc.constantFrom('csv', 'csv-header', 'yaml', 'json') as fc.Arbitrary<'csv' | 'csv-header' | 'yaml' | 'json'>,
            extension: fc.constantFrom('.csv', '.yaml', '.yml', '.json', '.txt'),
            matchingExtension: fc.boolean(),
            encoding: fc.oneof({ weight: 6, arbitrary: fc.constant<Encoding>('utf8') }, { weight: 4, arbitrary: fc.constantFrom<Encoding>('utf8-bom', 'utf16le-bom', 'utf16be-bom', 'utf16le', 'latin1', 'truncated', 'huge-row') }),
            cut: fc.nat(),
          })
          .map((spec) => ({ kind: 'generated' as const, ...spec })),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
      { weight: 1, arbitrary: fc.constantFrom(at('pw-dir'), at('missing.csv'), '/proc/self/environ', '/dev/null', at('pw-loose'), at('journals/valid.journal')).map((path) => ({ kind: 'path' as const, path })) },
    );
    const journal = fc.option(
      fc.oneof(
        fc.constantFrom('valid', 'truncated', 'damaged', 'other-fmc', 'no-start', 'empty', 'binary', 'loose', 'foreign-owner', 'link', 'directory', 'fifo', 'new').map((n) => at(`journals/${n}.journal`)),
        fc.constantFrom(at('journals/missing-dir/x.journal'), at('pw-ok/x.journal'), '/proc/self/environ', ''),
      ),
      { nil: undefined },
    );
    const fmc = fc.constantFrom('admin@127.0.0.1:1', 'root@127.0.0.2:1', 'admin@[::1]:1');
    const target = fc.constantFrom('admin@127.0.0.3:1', 'admin@[::1]:1', '');
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('0', '1', '100000', '50%', STAGING, '/var/tmp/certs/1', at('pw-ok')));
    const run = fc.constantFrom('copy', 'plan', 'renew', 'verify', 'rollback').chain((command) =>
      fc.record({
        command: fc.constant(command),
        inventory,
        journal,
        fmc: fc.option(fmc, { nil: undefined }),
        staging: fc.option(fc.constantFrom(STAGING, '/var/tmp/certs/1'), { nil: undefined }),
        failedPush: fc.boolean(),
        json: fc.boolean(),
        yes: fc.boolean(),
        // Mostly a password file refused after the inventory and the journal were checked (exit 2, nothing dialled): a
        // connection to the closed port costs the transport's retries, about a second.
        fmcPassword: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('loose', 'missing') }, { weight: 1, arbitrary: fc.constantFrom('file', 'env', 'none') }),
        // Now and then another of its options, with a hostile value.
        extra: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: optionArguments(commands.get(command)!, text, target) }),
      }),
    );
    const has = (command: string, option: string): boolean => commands.get(command)!.options.some((o) => o.long === option);

    type RunSpec = typeof run extends fc.Arbitrary<infer T> ? T : never;
    const example = (command: RunSpec['command'], list: GeneratedRow[], format: 'csv' | 'yaml' | 'json', more: Partial<RunSpec>): RunSpec => ({
      command,
      inventory: { kind: 'generated', rows: { flaw: 'none', list }, format, extension: `.${format}`, matchingExtension: true, encoding: 'utf8', cut: 0 },
      journal: undefined,
      fmc: undefined,
      staging: undefined,
      failedPush: false,
      json: false,
      yes: true,
      fmcPassword: 'loose',
      extra: [],
      ...more,
    });
    // What a run must be refused with, where the test knows it by construction (options that go together, no other option): an
    // inventory well-formed but for an address is refused for that address, before the journal, the password file or the FMC; a
    // well-formed inventory with a damaged, loose, foreign or unwritable journal is refused for the journal, before the FMC.
    const badJournals = new Set([...['damaged', 'no-start', 'empty', 'binary', 'loose', 'foreign-owner', 'directory', 'fifo'].map((n) => at(`journals/${n}.journal`)), at('journals/missing-dir/x.journal'), at('pw-ok/x.journal'), '/proc/self/environ']);
    const refusedWith = (spec: RunSpec): readonly string[] | undefined => {
      if (spec.extra.length > 0 || spec.inventory.kind !== 'generated' || !spec.inventory.matchingExtension || !['utf8', 'utf8-bom'].includes(spec.inventory.encoding)) return undefined;
      // Options that do not go together are refused first, before any file is read.
      if (spec.command === 'copy' && spec.failedPush && spec.fmc === undefined) return undefined;
      if (spec.inventory.rows.flaw === 'address') return spec.inventory.format.startsWith('csv') ? ['DEVICES_CSV_INVALID_VALUE', 'DEVICES_CSV_MISSING_COLUMN'] : ['INVENTORY_INVALID'];
      if (spec.inventory.rows.flaw === 'none' && spec.journal !== undefined && badJournals.has(spec.journal) && has(spec.command, '--journal')) return ['JOURNAL_INVALID'];
      return undefined;
    };
    const documented = new Set<number>(Object.values(EXIT_CODES));
    const listing = async (): Promise<string[]> => (await readdir(sandbox, { recursive: true })).sort();
    const before = await listing();
    const seen = new Map<number, number>();
    const codesSeen = new Map<string, number>();
    guard = guardNetwork();
    const network = guard;

    await fc.assert(
      fc.asyncProperty(run, async (spec) => {
        let inventoryPath: string;
        if (spec.inventory.kind === 'path') inventoryPath = spec.inventory.path;
        else if (spec.inventory.kind === 'bytes') {
          inventoryPath = join(runs, 'bytes.csv');
          await writeFile(inventoryPath, spec.inventory.bytes, { mode: 0o600 });
        } else {
          const { format, extension, matchingExtension, encoding, cut } = spec.inventory;
          const own = { csv: '.csv', 'csv-header': '.csv', yaml: '.yaml', json: '.json' }[format];
          inventoryPath = join(runs, `inventory${matchingExtension ? own : extension}`);
          await writeFile(inventoryPath, encode(render(format, spec.inventory.rows.list), encoding, cut), { mode: 0o600 });
        }
        const args: string[] = [spec.command];
        if (spec.command === 'copy') args.push(inventoryPath);
        else args.push('--devices', inventoryPath);
        if (spec.fmc !== undefined || spec.command !== 'copy') args.push('--fmc', spec.fmc ?? 'admin@127.0.0.1:1', '--known-hosts', at('known_hosts'));
        const passwordFile = { file: 'fmc-password', loose: 'pw-loose', missing: 'pw-missing' }[spec.fmcPassword as string];
        if (passwordFile !== undefined) args.push('--password-file', at(passwordFile));
        if (spec.journal !== undefined && has(spec.command, '--journal')) args.push('--journal', spec.journal);
        if (spec.staging !== undefined && has(spec.command, '--staging')) args.push('--staging', spec.staging);
        if (spec.failedPush && has(spec.command, '--failed-push')) args.push('--failed-push', `${STAGING}/FAILED_PUSH`);
        if (spec.yes && has(spec.command, '--yes')) args.push('--yes');
        if (spec.json) args.push('--json');
        args.push(...spec.extra);

        const env = { HOME: sandbox, XDG_STATE_HOME: join(runs, 'state'), SSH_AUTH_SOCK: '', NO_COLOR: '1', FTD_PASSWORD: ENV_SECRET, ...(spec.fmcPassword === 'env' ? { SFTUNNEL_CA_PASSWORD: 'fmc-password-not-used' } : {}) };
        const { io, stdout, stderr } = capturedIo(env);
        const connectedBefore = network.connected.length;
        const lookedUpBefore = network.lookedUp.length;
        const code = await runCli(args, io);
        seen.set(code, (seen.get(code) ?? 0) + 1);
        const printed = `${stdout()}${stderr()}`;

        expect(documented.has(code), `exit ${code}`).toBe(true);
        expect(code, `an unexpected error: ${stderr().slice(0, 400)}`).not.toBe(EXIT_CODES.UNEXPECTED);
        if (code !== EXIT_CODES.OK) {
          const said = printedCode(stderr());
          codesSeen.set(said ?? '(none)', (codesSeen.get(said ?? '(none)') ?? 0) + 1);
          expect(said !== undefined && codes.has(said), `exit ${code} printed no documented code: ${stderr().slice(0, 400)}`).toBe(true);
          expect(code, `${said ?? ''} exits ${code}, not as documented`).toBe(documentedExit(said ?? ''));
        }
        const expected = refusedWith(spec);
        if (expected !== undefined) expect(expected, `refused with ${printedCode(stderr()) ?? 'no code'} (exit ${code}): ${stderr().slice(0, 300)}`).toContain(printedCode(stderr()));
        for (const secret of SECRETS) expect(printed, 'a password was printed').not.toContain(secret);
        const reached = network.connected.slice(connectedBefore);
        const looked = network.lookedUp.slice(lookedUpBefore);
        for (const host of reached) {
          expect(SECRETS.includes(host), 'a password was connected to').toBe(false);
          expect(isLoopback(host) || host.endsWith('.invalid') || host.startsWith('unix:'), `connected to ${host}`).toBe(true);
        }
        expect(looked, 'a name was looked up').toEqual([]);
      }),
      {
        numRuns: fuzzRuns(),
        // A FIFO or a device must be refused, never waited on: a run that hangs is a failure.
        timeout: 20_000,
        // Run first every time: a well-formed inventory reaching the FMC's closed port (exit 1), a password shifted into
        // the address through a file: reference in YAML, a file: reference to a FIFO, a journal of another user, and a
        // password file given as the plan.
        examples: [
          [example('copy', [{ name: 'FTD-1', address: '127.0.0.5', user: 'admin', password: `file:${at('pw-ok')}`, port: '1' }], 'csv', { fmc: 'admin@127.0.0.1:1', fmcPassword: 'file' })],
          [example('renew', [{ name: 'FTD-1', address: FILE_SECRET, user: 'admin', password: `file:${at('pw-ok')}`, port: '1' }], 'yaml', {})],
          [example('plan', [{ name: 'FTD-1', address: '127.0.0.5', user: 'admin', password: `file:${at('pw-fifo')}`, port: '1' }], 'csv', {})],
          [example('rollback', [{ name: 'FTD-1', address: 'ftd-1.invalid', user: 'admin', password: 'env:FTD_PASSWORD', port: '1' }], 'json', { journal: at('journals/foreign-owner.journal') })],
          // Found by this property (seed -525346408): a password file given as --plan was quoted by JSON.parse's message.
          [example('renew', [{ name: 'FTD-1', address: '127.0.0.5', user: 'admin', password: 'env:FTD_PASSWORD', port: '1' }], 'csv', { extra: ['--plan', at('pw-ok')] })],
        ],
      },
    );
    guard.restore();
    guard = undefined;
    console.log(
      `runCli inputs fuzz: ${fuzzRuns()} runs, exit codes ${[...seen].sort(([a], [b]) => a - b).map(([c, n]) => `${c} ×${n}`).join(', ')}; codes ${[...codesSeen].sort(([, a], [, b]) => b - a).map(([c, n]) => `${c} ×${n}`).join(', ')}`,
    );
    expect(await listing()).toEqual(before);
    // The runs reached both the inputs' checks (2) and the FMC's closed port (1).
    expect(seen.get(EXIT_CODES.USAGE) ?? 0).toBeGreaterThan(0);
    expect(seen.get(EXIT_CODES.FAILED) ?? 0).toBeGreaterThan(0);
  }, Math.max(120_000, fuzzRuns() * 100));
});
