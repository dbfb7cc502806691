/**
 * Cold start of the `sftunnel-ca` command (issue 23): how long `node bin/sftunnel-ca.js --version`
 * and `--help` take, each run a fresh Node process, measured from spawn to exit. With `--install`,
 * also what installing the CLI alone costs: the packages packed with `pnpm pack`, installed with
 * npm into an empty directory (needs the npm registry), its size, package count and the packages
 * that have install scripts (native builds); the start-up is then timed on that install. Goals
 * are reported, never asserted.
 *
 *   pnpm bench:cli [--runs N] [--bin PATH] [--install] [--out DIR]
 *
 * `--bin` measures another copy. Writes `cli-startup.json` and `cli-startup.md` to `--out`
 * (default `bench/results/`) and prints the table.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable } from 'markdown-table';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    bin: { type: 'string', default: fileURLToPath(new URL('../packages/cli/bin/sftunnel-ca.js', import.meta.url)) },
    install: { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('./results/', import.meta.url)) },
  },
});

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);

/** The goals of issue 23 for a cold start, in milliseconds. */
const GOALS_MS: Readonly<Record<string, number>> = { '--version': 250, '--help': 300 };

/** One cold run of the command (or, with `bare`, of `node -e 0`): wall milliseconds from spawn to exit. */
function coldRun(args: readonly string[], bare = false): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, bare ? ['-e', '0'] : [values.bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`${values.bin} ${args.join(' ')} exited ${String(run.status)}: ${run.stderr.toString()}`);
  return elapsed;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** What installing the CLI alone (no lab) with npm costs. */
interface InstallFacts {
  readonly megabytes: number;
  readonly packages: number;
  /** Packages with an install, preinstall or postinstall script (native builds, downloads). */
  readonly installScripts: readonly string[];
  readonly bin: string;
}

/** Every package.json under `node_modules`, scoped ones included. */
async function installedManifests(modules: string): Promise<Array<{ name: string; scripts?: Record<string, string> }>> {
  const found: Array<{ name: string; scripts?: Record<string, string> }> = [];
  for (const entry of await readdir(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? (await readdir(join(modules, entry))).map((name) => join(modules, entry, name)) : [join(modules, entry)];
    for (const dir of dirs) {
      found.push(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> });
      const nested = join(dir, 'node_modules');
      if ((await readdir(dir)).includes('node_modules')) found.push(...(await installedManifests(nested)));
    }
  }
  return found;
}

async function installAlone(work: string): Promise<InstallFacts> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const names = ['core', 'transport', 'cli']; // the lab and the exporter are optional peers, not installed with the CLI
  for (const name of names) execFileSync('npx', ['-y', 'pnpm@9.15.9', 'pack', '--pack-destination', work], { cwd: join(root, 'packages', name), stdio: 'ignore' });
  const dir = join(work, 'install');
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^PNPM_/i.test(key)));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...names.map((name) => join(work, `sftunnel-ca-${name}-0.1.0.tgz`))], { cwd: dir, env, stdio: 'ignore' });
  const kilobytes = Number(execFileSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
  const manifests = await installedManifests(join(dir, 'node_modules'));
  const installScripts = manifests.filter((m) => ['install', 'preinstall', 'postinstall'].some((s) => m.scripts?.[s] !== undefined)).map((m) => m.name);
  return { megabytes: kilobytes / 1024, packages: manifests.length, installScripts, bin: join(dir, 'node_modules', '@sftunnel-ca', 'cli', 'bin', 'sftunnel-ca.js') };
}

const work = values.install ? await mkdtemp(join(tmpdir(), 'sftunnel-ca-bench-cli-')) : undefined;
const installed = work === undefined ? undefined : await installAlone(work);
if (installed !== undefined) values.bin = installed.bin;

const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg()[0] ?? 0;
coldRun(['--version']); // warm the file system cache once: "cold" means a fresh process, not a cold disk
/** Min, median and max of `runs` cold runs. */
function timed(run: () => number): { readonly minMs: number; readonly medianMs: number; readonly maxMs: number } {
  const times = Array.from({ length: runs }, run).sort((a, b) => a - b);
  return { minMs: times[0] ?? Number.NaN, medianMs: percentile(times, 0.5), maxMs: times[times.length - 1] ?? Number.NaN };
}
const figures = Object.entries(GOALS_MS).map(([flag, goalMs]) => {
  const times = timed(() => coldRun([flag]));
  return { flag, runs, ...times, goalMs, met: times.medianMs <= goalMs };
});
// The floor on this machine: Node itself starting and exiting, with nothing of ours loaded.
const bareNode = timed(() => coldRun([], true));

const report = {
  command: ['pnpm bench:cli', ...process.argv.slice(2)].join(' '),
  bin: values.bin,
  startedAt,
  machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverageAtStart },
  figures,
  bareNode,
  ...(installed === undefined ? {} : { installed: { megabytes: installed.megabytes, packages: installed.packages, installScripts: installed.installScripts } }),
};
if (work !== undefined) await rm(work, { recursive: true, force: true });
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const markdown = [
  `# sftunnel-ca cold start (${runs} runs each)`,
  '',
  `\`${report.command}\` — ${startedAt}; ${report.machine.cpus} CPUs (${report.machine.cpuModel}), Node ${process.version}, load average ${loadAverageAtStart.toFixed(2)} at start.`,
  '',
  markdownTable(
    [['command', 'min', 'median', 'max', 'goal (median)', 'verdict'], ...figures.map((f) => [`sftunnel-ca ${f.flag}`, ms(f.minMs), ms(f.medianMs), ms(f.maxMs), `≤ ${f.goalMs} ms`, f.met ? 'met' : '**not met**']), ['`node -e 0` (the floor: Node alone)', ms(bareNode.minMs), ms(bareNode.medianMs), ms(bareNode.maxMs), '', '']],
    { align: ['l', 'r', 'r', 'r', 'l', 'c'] },
  ),
  '',
  ...(installed === undefined
    ? []
    : [
        `Installed alone with npm (core, transport, cli; no lab, no exporter): ${installed.megabytes.toFixed(1)} MB (goal ≤ 25 MB: ${installed.megabytes <= 25 ? 'met' : '**not met**'}), ` +
          `${installed.packages} packages (goal ≤ 50: ${installed.packages <= 50 ? 'met' : '**not met**'}); with install scripts: ${installed.installScripts.join(', ') || 'none'}.`,
        '',
      ]),
].join('\n');
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, 'cli-startup.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(values.out, 'cli-startup.md'), markdown);
console.log(markdown);
