/**
 * The suite-wide secret audit: a `setupFiles` entry of every vitest project, so it runs around
 * every test file of the suite. Before the file's tests it points the file's whole process tree
 * at a private tree: `TMPDIR` (so each temporary directory, lab, working directory and journal
 * the tests and their child processes make lands there), `XDG_STATE_HOME` (the CLI's default
 * journals) and `NODE_OPTIONS=--import=tee-output.mjs` (every Node child copies what it prints
 * through `process.stdout`/`stderr`, and its exact argv, beside the tree).
 *
 * What it reads, and when:
 * - files: those present when each test ends, and when the file ends (a file that a test, or a
 *   `describe`-level `afterEach`, removes before then is not seen);
 * - output: everything each Node child printed, and each CLI run the tests make in their own
 *   process (packages/cli/test/run-in-process.ts copies it, with its arguments, as a child's are
 *   copied); other in-process `runCli` calls and non-Node children are not copied (the tests of
 *   those assert on their output themselves);
 * - argv: each Node child's exactly, as it started; exactly, every process that this file's process
 *   or any Node child starts asynchronously (`record-spawns.mjs`); every other descendant's (started
 *   by a shell, by sudo, or with `spawnSync`) by polling `/proc` every 100 ms (best effort: a
 *   process that lives less than that may be missed).
 *
 * Rules (see `SecretTreeAudit`, `AppliancePlaces` and `secretMaterialIn`): no password or
 * private-key material in anything printed, in any argv, in a journal or an appliance log; no
 * password on an appliance, and private keys there only in the live key paths of the lab's layout,
 * their generations and staging directories, and nothing our code leaves there looser than 0600
 * (directories 0700); any operator-side file holding a secret is mode 0600. A breach fails the
 * test file.
 *
 * With `SFTUNNEL_CA_AUDIT_SUMMARY=<file>`, each test file appends a JSON line of its counts.
 */
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { SecretTreeAudit } from './audit-tree.js';
import { procStatFields, watchDescendantArgv, type ArgvWatch } from './descendant-argv.js';
import { recordSpawns } from './record-spawns.mjs';
import { secretMaterialIn } from './secret-material.js';

const HOOK_TIMEOUT_MS = 120_000;

// The machine's own temporary directory, kept across test files run in one worker.
process.env['SFTUNNEL_CA_AUDIT_TMPDIR'] ??= tmpdir();
const root = mkdtempSync(join(process.env['SFTUNNEL_CA_AUDIT_TMPDIR'], 'sca-audit-'));
const tree = join(root, 'tmp');
const state = join(root, 'state');
const copies = join(root, 'output');
for (const dir of [tree, state, copies]) mkdirSync(dir, { mode: 0o700 });
// Other users may pass through to what is theirs (sshd reads a test user's authorized_keys as that
// user): the tree is 0711, each directory in it keeps its own mode; the copies stay 0700.
chmodSync(root, 0o711);
chmodSync(tree, 0o711);
process.env['TMPDIR'] = tree;
process.env['XDG_STATE_HOME'] = state;
process.env['SFTUNNEL_CA_AUDIT_OUTPUT'] = copies;
const tee = `--import=${pathToFileURL(join(import.meta.dirname, 'tee-output.mjs')).href}`;
// Once: the next test file in a worker that keeps its modules and environment finds it there.
if (!(process.env['NODE_OPTIONS'] ?? '').split(' ').includes(tee)) process.env['NODE_OPTIONS'] = `${process.env['NODE_OPTIONS'] ?? ''} ${tee}`.trim();

const audit = new SecretTreeAudit();
const breaches: string[] = [];
let argv: ArgvWatch | undefined;

/** The wall time spent scanning the file trees, in ms (in the summary: what the audit costs the file). */
let scanMs = 0;
const scanFiles = (): void => {
  const started = performance.now();
  for (const dir of [tree, state]) breaches.push(...audit.scan(dir));
  scanMs += performance.now() - started;
};

/**
 * The CPU used so far, in ms (Linux `/proc`): in a process of the file's own (the forked
 * projects), the process's and its waited-for descendants' since it started; in a worker thread
 * that runs file after file (`SHARED_THREADS` in vitest.config.ts), the thread's own since the
 * file's set-up — not the processes it starts nor libuv's pool, where key generation runs, which
 * `/proc` counts for the whole process only. utime stime cutime cstime are fields 14–17.
 */
function cpuMsSoFar(): number {
  const fields = isMainThread ? procStatFields('self').slice(11, 15) : procStatFields('thread-self').slice(11, 13);
  return Math.round((fields.reduce((sum, field) => sum + Number(field), 0) * 1000) / 100);
}
/** What this file's CPU is counted from: the process's start, or the thread's CPU when the file's set-up began. */
const cpuMsAtStart = isMainThread ? 0 : cpuMsSoFar();

/**
 * What each Node child printed and its exact argv, from the copies tee-output.mjs made, by pid (and
 * each in-process `runCli` run's, by the name packages/cli/test/run-in-process.ts gave it); and
 * the argv of every process a Node process of the file started (record-spawns.mjs).
 */
async function readCopies(): Promise<{ printed: Map<string, string>; argv: Map<string, string>; spawned: string[] }> {
  const printed = new Map<string, string>();
  const started = new Map<string, string>();
  const spawned: string[] = [];
  for (const name of await readdir(copies)) {
    const [run, kind] = name.split('.');
    if (run === undefined) continue;
    const text = await readFile(join(copies, name), 'utf8');
    if (kind === 'out') printed.set(run, text);
    else if (kind === 'argv') started.set(run, (JSON.parse(text) as string[]).join(' '));
    else if (kind === 'spawned') spawned.push(...text.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as string[]).join(' ')));
  }
  return { printed, argv: started, spawned };
}

beforeAll(() => {
  recordSpawns(copies);
  argv = watchDescendantArgv(100);
});

afterEach(scanFiles, HOOK_TIMEOUT_MS);

afterAll(async () => {
  try {
    scanFiles();
    const polled = (await argv?.stop()) ?? new Map<number, readonly string[]>();
    const copied = await readCopies();
    const lines = [...new Set([...[...polled.values()].flat(), ...copied.argv.values(), ...copied.spawned])];
    for (const line of lines) breaches.push(...secretMaterialIn(line).map((what) => `argv ${line.slice(0, 120)}: ${what}`));
    let characters = 0;
    for (const [run, text] of copied.printed) {
      characters += text.length;
      breaches.push(...secretMaterialIn(text).map((what) => `output of ${(copied.argv.get(run) ?? `pid ${run}`).slice(0, 120)}: ${what}`));
    }
    const summary = process.env['SFTUNNEL_CA_AUDIT_SUMMARY'];
    if (summary !== undefined && summary !== '') {
      const runs = [...copied.argv.keys()];
      const children = runs.filter((run) => /^\d+$/.test(run));
      const processes = new Set([...[...polled.keys()].map(String), ...children]).size;
      const counts = { cpuMs: cpuMsSoFar() - cpuMsAtStart, scanMs: Math.round(scanMs), outputs: copied.printed.size, outputCharacters: characters, argv: lines.length, processes, inProcessRuns: runs.length - children.length, ...audit.counts };
      appendFileSync(summary, `${JSON.stringify({ file: expect.getState().testPath, ...counts, breaches: breaches.length })}\n`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  expect(breaches, 'secret material where it must never be (see test/secret-audit)').toEqual([]);
}, HOOK_TIMEOUT_MS);
