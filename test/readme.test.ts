import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const readme = await readFile(`${repo}/README.md`, 'utf8');

/** The lines of every ```sh block of the README outside the Quick start (test/quickstart.test.ts runs those two), without comments. */
function readmeCommands(): { command: string; expectedExit: number }[] {
  const [before = '', rest = ''] = readme.split(/^## Quick start$/m);
  const text = before + rest.slice(rest.search(/^## /m));
  return [...text.matchAll(/^```sh\n([\s\S]*?)```$/gm)]
    .flatMap((match) => (match[1] ?? '').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exit = /\s+# exit (\d+)$/.exec(line);
      return { command: line.replace(/\s+#.*$/, ''), expectedExit: exit === null ? 0 : Number(exit[1]) };
    });
}

/** How every command of this clone starts: pnpm through npx, then the workspace's CLI. */
const RUNNABLE_PREFIX = /^npx -y pnpm@\d+\.\d+\.\d+ exec sftunnel-ca /;

/** Commands for the reader's own FMC (`sftunnel-ca …` as installed); those of this clone start with `npx`. */
const needsYourFmc = (command: string): boolean => !command.startsWith('npx ');

const stateHome = await mkdtemp(join(tmpdir(), 'sftunnel-ca-readme-'));
/** Runs a command line with bash in the repository, as a reader would; the persistent lab lives in a directory of the test's own. */
function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: repo, encoding: 'utf8', env: { ...process.env, XDG_STATE_HOME: stateHome }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('the README’s commands run as printed', () => {
  afterAll(async () => {
    await sh('node packages/cli/bin/sftunnel-ca.js lab down');
    await rm(stateHome, { recursive: true, force: true });
  }, 60_000);

  const commands = readmeCommands();
  const runnable = commands.filter((c) => !needsYourFmc(c.command) && !c.command.startsWith('npx tsx examples/'));

  it('lists runnable CLI commands, commands for your FMC, and the examples', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(8);
    expect(commands.filter((c) => needsYourFmc(c.command)).length).toBeGreaterThanOrEqual(5);
    for (const c of commands.filter((x) => needsYourFmc(x.command))) expect(c.command).toMatch(/^(SFTUNNEL_CA_PASSWORD=… )?sftunnel-ca [a-z]+ /);
    for (const c of runnable) expect(c.command).toMatch(RUNNABLE_PREFIX);
    expect(commands.filter((c) => c.command.startsWith('npx tsx examples/')).length).toBeGreaterThanOrEqual(7);
  });

  // Every runnable line starts with the same `npx -y pnpm@… exec sftunnel-ca` (asserted above), whose
  // start-up (npx resolving pnpm, then pnpm) costs about 4 s of CPU a line: the first line runs
  // exactly as printed, the others through the bin that prefix resolves to, from the same directory.
  it.each(runnable.map((c, i) => [c.command, c.expectedExit, i] as const))('%s (exit %i)', async (command, expectedExit, index) => {
    const { code, stdout, stderr } = await sh(index === 0 ? command : command.replace(RUNNABLE_PREFIX, 'node_modules/.bin/sftunnel-ca '));
    expect(code, `${stdout}\n${stderr}`).toBe(expectedExit);
    expect(stdout.length).toBeGreaterThan(0);
  }, 300_000);

  it('names only commands and options the CLI has, for the commands that need your FMC', async () => {
    // Each subcommand's --help is read once, however many lines use it.
    const helps = new Map<string, Promise<{ code: number; stdout: string }>>();
    for (const { command } of commands.filter((c) => needsYourFmc(c.command))) {
      const words = command.split(/\s+/);
      const at = words.indexOf('sftunnel-ca');
      expect(at, command).toBeGreaterThanOrEqual(0);
      const subcommand = words[at + 1] ?? '';
      if (!helps.has(subcommand)) helps.set(subcommand, sh(`node packages/cli/bin/sftunnel-ca.js ${subcommand} --help`));
      const { code, stdout } = await (helps.get(subcommand) as Promise<{ code: number; stdout: string }>);
      expect(code, command).toBe(0);
      for (const option of words.filter((w) => w.startsWith('--'))) expect(stdout, `${command}: ${option}`).toContain(`${option} `);
    }
  }, 120_000);

  it('runs each example it lists in test/examples.test.ts', async () => {
    const tests = await readFile(`${repo}/test/examples.test.ts`, 'utf8');
    for (const { command } of commands.filter((c) => c.command.startsWith('npx tsx examples/'))) {
      const file = command.split(/\s+/)[2] ?? '';
      await access(`${repo}/${file}`);
      expect(tests, command).toContain(`runExample('${file.slice('examples/'.length)}'`);
    }
  });

  it('has TypeScript snippets (root and package READMEs) that type-check against the packages', async () => {
    // Written as .mts files inside the repository (so the packages resolve), which no tsconfig includes.
    const dir = await mkdtemp(join(repo, 'test', '.readme-snippets-'));
    try {
      const files: string[] = [];
      for (const source of ['README.md', ...['core', 'transport', 'lab', 'exporter', 'cli'].map((p) => `packages/${p}/README.md`)]) {
        const text = await readFile(`${repo}/${source}`, 'utf8');
        for (const [i, match] of [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].entries()) {
          const file = join(dir, `${source.replace(/\W/g, '-')}-${i}.mts`);
          await writeFile(file, `${match[1] ?? ''}\nexport {};\n`);
          files.push(file);
        }
      }
      expect(files.length).toBeGreaterThanOrEqual(7);
      const program = ts.createProgram(files, {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(errors).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('links to files that exist', async () => {
    for (const [, target] of readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)) await access(`${repo}/${target}`);
  });
});
