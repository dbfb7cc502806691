import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';

const BASH_HARNESS = fileURLToPath(new URL('complete-in-bash.bash', import.meta.url));
const ZSH_HARNESS = fileURLToPath(new URL('complete-in-zsh.zsh', import.meta.url));

/** Runs `command`, failing the test on a non-zero exit; its stdout. */
function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home } }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`));
    });
  });
}

let directory: string;
/** The shells' home (fish writes its own files there), apart from the files completed. */
let home: string;
const scripts: Record<'bash' | 'zsh' | 'fish', string> = { bash: '', zsh: '', fish: '' };

/** What each shell offers on Tab after `line` (the words typed; a trailing space starts a new word). */
const complete: Record<keyof typeof scripts, (line: string) => Promise<string[]>> = {
  bash: async (line) => lines(await run('bash', [BASH_HARNESS, scripts.bash, ...line.split(' ')], directory)),
  fish: async (line) => lines(await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C ${JSON.stringify(line)}`], directory)).map((match) => match.split('\t')[0] ?? ''),
  zsh: async (line) => {
    const out = join(home, `zsh-${Math.random().toString(36).slice(2)}.out`);
    await run('zsh', ['-f', ZSH_HARNESS, scripts.zsh, out, line], directory);
    // _files may add the same file twice (once per file pattern it tries): the offer is a set.
    return [...new Set(lines(await readFile(out, 'utf8')).filter((match) => match !== '<end>'))];
  },
};

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'sftunnel-ca-completion-home-'));
  directory = await mkdtemp(join(tmpdir(), 'sftunnel-ca-completion-'));
  await writeFile(join(directory, 'cacert.pem'), '');
  await writeFile(join(directory, 'devices.csv'), '');
  await mkdir(join(directory, 'lab-state'));
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const printed = await runInProcess(['completion', shell]);
    expect(printed.code).toBe(0);
    scripts[shell] = join(home, `completion.${shell}`);
    await writeFile(scripts[shell], printed.stdout);
  }
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

// Issue 23: `sftunnel-ca completion bash|zsh|fish`, generated from the command definitions, completed by the real shells.
describe.each(['bash', 'zsh', 'fish'] as const)('sftunnel-ca completion %s (the script it prints, in the real shell)', (shell) => {
  it('offers every command the help lists, and the program’s options', async () => {
    const help = (await runInProcess(['--help'])).stdout;
    const listed = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]);
    expect(listed).toEqual(expect.arrayContaining(['check', 'renew', 'lab', 'completion']));
    expect(await complete[shell]('sftunnel-ca ')).toEqual(expect.arrayContaining(listed));
    expect(await complete[shell]('sftunnel-ca --')).toEqual(expect.arrayContaining(['--version', '--no-color', '--debug', '--help']));
  });

  it('offers a command’s own options, and commander’s choices for a value', async () => {
    const options = await complete[shell]('sftunnel-ca renew --');
    expect(options).toEqual(expect.arrayContaining(['--devices', '--generator', '--journal', '--known-hosts', '--concurrency']));
    expect(options).not.toContain('--file');
    expect((await complete[shell]('sftunnel-ca renew --generator ')).sort()).toEqual(['own', 'vendor']);
    expect((await complete[shell]('sftunnel-ca completion ')).sort()).toEqual(['bash', 'fish', 'zsh']);
  });

  it('follows subcommands: lab status is not status, and an option’s value is not a command', async () => {
    expect(await complete[shell]('sftunnel-ca lab ')).toEqual(expect.arrayContaining(['up', 'status', 'down']));
    const labStatus = await complete[shell]('sftunnel-ca lab status --');
    expect(labStatus).toContain('--state-dir');
    expect(labStatus).not.toContain('--fmc');
    const renewAfterValue = await complete[shell]('sftunnel-ca renew --devices check --');
    expect(renewAfterValue).toContain('--generator');
    expect(renewAfterValue).not.toContain('--file');
  });

  it('completes files where a file is named, and directories where a directory is', async () => {
    expect(await complete[shell]('sftunnel-ca check --file ca')).toEqual(['cacert.pem']);
    expect(await complete[shell]('sftunnel-ca copy dev')).toEqual(['devices.csv']);
    expect((await complete[shell]('sftunnel-ca lab up --state-dir ')).map((match) => match.replace(/\/$/, ''))).toEqual(['lab-state']);
  });
});
