/**
 * The order a fresh clone's run starts its test files in (test/longest-first-sequencer.ts): the
 * longest first by the committed table, which `pnpm test:durations` writes from a whole run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';
import { FILE_DURATIONS, smallestProjectsFirst, startOrder, type FileDurations } from './longest-first-sequencer.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runFile = promisify(execFile);

describe('the start order of test files', () => {
  it('puts files with no known duration first (by rank), then the rest the longest first, ties in their order', () => {
    const known: Record<string, number> = { 'repo:long': 400, 'repo:short': 3, 'unit:mid': 40, 'cli:lab:mid-too': 40 };
    const files = ['unit:mid', 'repo:short', 'unit:new', 'cli:lab:mid-too', 'repo:new', 'repo:long', 'lab:new'].map((key) => ({ key, rank: key.startsWith('repo:') ? 0 : key.startsWith('unit:') ? 2 : 1 }));
    expect(startOrder(files, (key) => known[key]).map((f) => f.key)).toEqual(['repo:new', 'lab:new', 'unit:new', 'repo:long', 'unit:mid', 'cli:lab:mid-too', 'repo:short']);
  });

  it('queues the projects with the least work first, each project’s files in the order given (unknown durations count as none)', () => {
    const known: Record<string, number> = { 'repo:bench': 400, 'repo:short': 3, 'sshd:a': 40, 'sshd:b': 30, 'exporter:a': 20, 'lab:a': 9 };
    const files = ['repo:bench', 'sshd:a', 'repo:new', 'exporter:a', 'sshd:b', 'lab:new', 'repo:short', 'lab:a'];
    const project = (key: string): string => key.slice(0, key.indexOf(':'));
    expect(smallestProjectsFirst(files, project, (key) => known[key])).toEqual(['lab:new', 'lab:a', 'exporter:a', 'sshd:a', 'sshd:b', 'repo:bench', 'repo:new', 'repo:short']);
  });

  it('has a committed table that names only test files of the suite’s projects, the longest first', async () => {
    const table = JSON.parse(await readFile(FILE_DURATIONS, 'utf8')) as FileDurations;
    const projects = (config.test?.projects ?? []).flatMap((p) => (typeof p === 'object' && 'test' in p && typeof p.test?.name === 'string' ? [p.test.name] : []));
    expect(projects).toContain('repo');
    const entries = Object.entries(table.durations);
    expect(entries.length).toBeGreaterThan(100);
    const unknown = entries.filter(([key]) => {
      const project = projects.find((name) => key.startsWith(`${name}:`) && key.slice(name.length + 1).endsWith('.test.ts'));
      return project === undefined || !existsSync(join(ROOT, key.slice(project.length + 1)));
    });
    expect(unknown.map(([key]) => key), 'refresh with pnpm test:durations').toEqual([]);
    const seconds = entries.map(([, s]) => s);
    for (const s of seconds) expect(Number.isFinite(s) && s >= 0).toBe(true);
    expect(seconds).toEqual(seconds.toSorted((a, b) => b - a));
  });

  it('is written by the durations reporter from a real vitest run that passes, and not from one that fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sftunnel-ca-durations-'));
    try {
      const out = join(dir, 'durations.json');
      const reporter = join(ROOT, 'test/file-durations-reporter.ts');
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
      await writeFile(join(dir, 'vitest.config.ts'), [
        `import { FileDurationsReporter } from ${JSON.stringify(reporter)};`,
        `export default { test: { name: 'fixture', globals: true, include: ['*.test.ts'], reporters: [new FileDurationsReporter(${JSON.stringify(out)}, ${JSON.stringify(dir)})] } };`,
      ].join('\n'));
      await writeFile(join(dir, 'quick.test.ts'), "test('quick', () => { expect(1).toBe(1); });\n");
      await writeFile(join(dir, 'other.test.ts'), "test('other', () => { expect([1, 2]).toHaveLength(2); });\n");
      const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
      await runFile(process.execPath, [vitest, 'run', '--root', dir], { cwd: dir });
      const table = JSON.parse(await readFile(out, 'utf8')) as FileDurations;
      expect(Object.keys(table.durations).toSorted()).toEqual(['fixture:other.test.ts', 'fixture:quick.test.ts']);
      const seconds = Object.values(table.durations);
      expect(seconds).toEqual(seconds.toSorted((a, b) => b - a));
      expect(table.$comment).toContain('pnpm test:durations');

      await rm(out);
      await writeFile(join(dir, 'quick.test.ts'), "test('quick', () => { expect(1).toBe(2); });\n");
      await expect(runFile(process.execPath, [vitest, 'run', '--root', dir], { cwd: dir })).rejects.toMatchObject({ code: 1 });
      expect(existsSync(out)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
