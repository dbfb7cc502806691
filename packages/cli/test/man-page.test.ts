import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_MEANINGS } from '../src/exit-codes.js';
import { MAN_PAGE_PATH, programManPage } from '../src/man/program-man-page.js';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const PAGE = `${PACKAGE}${MAN_PAGE_PATH}`;

/** Runs `command` and gives its stdout and stderr, failing on a non-zero exit. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', env: { ...process.env, ...env } }, (error, stdout, stderr) => (error === null ? resolve({ stdout, stderr }) : reject(new Error(`${command}: ${error.message}\n${stderr}`))));
  });
}

// Issue 23: a man page generated from the command definitions, shipped with the CLI package.
describe('man/sftunnel-ca.1', () => {
  it('is what the command definitions give now (run pnpm docs:man after changing a command)', async () => {
    expect(await readFile(PAGE, 'utf8')).toBe(programManPage());
  });

  it('is shipped: package.json names it as the man page and packs man/', async () => {
    const manifest = JSON.parse(await readFile(`${PACKAGE}package.json`, 'utf8')) as { man: string[]; files: string[] };
    expect(manifest.man).toEqual([`./${MAN_PAGE_PATH}`]);
    expect(manifest.files).toContain('man');
  });

  it('renders without a warning from groff, and man shows every command, exit code and section', async () => {
    const groff = await run('groff', ['-man', '-Tutf8', '-ww', '-z', PAGE]);
    expect(groff.stderr).toBe('');
    // Plain text, wide enough that no line of a heading wraps.
    const { stdout: shown } = await run('man', ['-l', PAGE], { MANWIDTH: '200', MAN_KEEP_FORMATTING: '', PAGER: 'cat' });
    const text = shown.replace(/.\x08/g, '');
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'SHELL COMPLETION', 'EXIT STATUS', 'ENVIRONMENT', 'FILES']) expect(text).toMatch(new RegExp(`^${section}$`, 'm'));
    for (const command of ['check', 'status', 'diagnose', 'probe', 'plan', 'renew', 'copy', 'verify', 'rollback', 'lab up', 'lab down', 'demo', 'exporter', 'completion']) {
      expect(text).toMatch(new RegExp(`^ {3}sftunnel-ca ${command} `, 'm'));
    }
    for (const [code, meaning] of Object.entries(EXIT_CODE_MEANINGS)) expect(text.replace(/\s+/g, ' ')).toContain(`${code} ${meaning}`);
    expect(text).toContain('--file cacert.pem');
    expect(text).toContain('$ sftunnel-ca check --file /etc/sf/ca_root/cacert.pem');
    expect(text).toContain('SFTUNNEL_CA_PASSWORD');
  });
});
