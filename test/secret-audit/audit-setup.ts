/**
 * The suite-wide secret audit: a `setupFiles` entry of every vitest project, so it runs around
 * every test file of the suite. Before the file's tests it points the file's whole process tree
 * at a private tree: `TMPDIR` (so each temporary directory, lab, working directory and journal
 * the tests and their child processes make lands there), `XDG_STATE_HOME` (the CLI's default
 * journals) and `NODE_OPTIONS=--import tee-output.mjs` (every Node child copies what it prints
 * there), and it watches the argv of every descendant process. After each test it reads the tree
 * (files present then, before the file's fixtures remove them); after the file it reads it again
 * with everything printed and every argv seen, fails the file on any breach, then removes the tree.
 *
 * Rules (see `SecretTreeAudit` and `secretMaterialIn`): no password or private-key material in
 * anything printed, in any argv, in a journal or an appliance log; no password on an appliance;
 * any operator-side file holding one is mode 0600.
 *
 * With `SFTUNNEL_CA_AUDIT_SUMMARY=<file>`, each test file appends a JSON line of its counts.
 */
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { SecretTreeAudit } from './audit-tree.js';
import { watchDescendantArgv, type ArgvWatch } from './descendant-argv.js';
import { secretMaterialIn } from './secret-material.js';

// The machine's own temporary directory, kept across test files run in one worker.
process.env['SFTUNNEL_CA_AUDIT_TMPDIR'] ??= tmpdir();
const root = mkdtempSync(join(process.env['SFTUNNEL_CA_AUDIT_TMPDIR'], 'sca-audit-'));
const tree = join(root, 'tmp');
const output = join(root, 'output');
for (const dir of [tree, output, join(root, 'state')]) mkdirSync(dir, { mode: 0o700 });
// Other users may pass through to what is theirs (sshd reads a test user's authorized_keys as that
// user): the tree is 0711, each directory in it keeps its own mode; output copies stay 0700.
chmodSync(root, 0o711);
chmodSync(tree, 0o711);
process.env['TMPDIR'] = tree;
process.env['XDG_STATE_HOME'] = join(root, 'state');
process.env['SFTUNNEL_CA_AUDIT_OUTPUT'] = output;
const tee = fileURLToPath(new URL('tee-output.mjs', import.meta.url));
process.env['NODE_OPTIONS'] = `${process.env['NODE_OPTIONS'] ?? ''} --import ${tee}`.trim();

const audit = new SecretTreeAudit();
const breaches: string[] = [];
let argv: ArgvWatch | undefined;

beforeAll(() => {
  argv = watchDescendantArgv(20);
});

afterEach(async () => {
  breaches.push(...(await audit.scan(root)));
});

afterAll(async () => {
  breaches.push(...(await audit.scan(root)));
  const seen = (await argv?.stop()) ?? new Map<number, readonly string[]>();
  const lines = [...seen.values()].flat();
  for (const line of lines) breaches.push(...secretMaterialIn(line).map((what) => `argv ${line.slice(0, 120)}: ${what}`));
  const printed = await readdir(output);
  let characters = 0;
  for (const name of printed) {
    const text = await readFile(join(output, name), 'utf8');
    characters += text.length;
    const pid = Number(name.split('.')[0]);
    breaches.push(...secretMaterialIn(text).map((what) => `output of ${seen.get(pid)?.at(-1)?.slice(0, 120) ?? `pid ${pid}`}: ${what}`));
  }
  const summary = process.env['SFTUNNEL_CA_AUDIT_SUMMARY'];
  if (summary !== undefined && summary !== '') {
    appendFileSync(summary, `${JSON.stringify({ file: expect.getState().testPath, outputs: printed.length, outputCharacters: characters, argv: lines.length, processes: seen.size, ...audit.counts, breaches: breaches.length })}\n`);
  }
  await rm(root, { recursive: true, force: true });
  expect(breaches, 'secret material where it must never be (see test/secret-audit)').toEqual([]);
}, 120_000);
