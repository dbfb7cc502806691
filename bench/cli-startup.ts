/**
 * Cold start of the `sftunnel-ca` command (issue 23): how long `node bin/sftunnel-ca.js --version`
 * and `--help` take, each run a fresh Node process, measured from spawn to exit. Goals are
 * reported, never asserted.
 *
 *   pnpm bench:cli [--runs N] [--bin PATH] [--out DIR]
 *
 * `--bin` measures another copy (e.g. one installed from the tarballs with npm). Writes
 * `cli-startup.json` and `cli-startup.md` to `--out` (default `bench/results/`) and prints the table.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable } from 'markdown-table';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    bin: { type: 'string', default: fileURLToPath(new URL('../packages/cli/bin/sftunnel-ca.js', import.meta.url)) },
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
};
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
].join('\n');
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, 'cli-startup.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(values.out, 'cli-startup.md'), markdown);
console.log(markdown);
