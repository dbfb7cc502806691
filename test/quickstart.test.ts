import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

describe('the README Quick start', () => {
  it('has exactly two commands, the demo and the tests, each needing only Node and npm', async () => {
    const readme = await readFile(`${repo}/README.md`, 'utf8');
    const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
    const commands = [...section.matchAll(/^```sh\n([\s\S]*?)```$/gm)].flatMap((match) => (match[1] ?? '').trim().split('\n'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npx -y pnpm@\d+\.\d+\.\d+ install --frozen-lockfile && npx -y pnpm@\d+\.\d+\.\d+ demo$/);
    expect(commands[1]).toMatch(/^npx -y pnpm@\d+\.\d+\.\d+ install --frozen-lockfile && npx -y pnpm@\d+\.\d+\.\d+ test$/);
    const pinned = JSON.parse(await readFile(`${repo}/package.json`, 'utf8')) as { packageManager: string };
    for (const command of commands) expect(command).toContain(`npx -y ${pinned.packageManager} `);
  });

  it('runs the demo command from a fresh clone with no global pnpm', async () => {
    const { stdout } = await run('bash', [`${repo}/scripts/quickstart.sh`, 'demo'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    expect(stdout).toMatch(/^FTD-0001 +127\.\d+\.1\.1 +down +→ up +renewed +yes$/m);
    expect(stdout).toContain('20 of 20 tunnels up on the new CA (5 were down before)');
  }, 600_000);
});
