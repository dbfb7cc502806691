/**
 * The fleet benchmark (issue 10): `pnpm bench` (1,000 devices) or `pnpm bench --quick` (50).
 * Writes `report.json` and `report.md` to `--out` (default `bench/results/`) and prints the table;
 * `partial.json` keeps each scenario's raw measurement as soon as it is taken.
 *
 *   tsx bench/main.ts [--quick] [--devices N] [--out DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureKeyLimit, measureRealisticLatency, measureUnreachable, measureZeroLatency, type BenchSize } from './fleet-scenarios.js';
import { markdownReport } from './markdown-report.js';
import { ENGINE_ENTRY_POINT } from './renewal-run.js';
import { reportSections } from './report-sections.js';
import type { BenchReport, MachineFacts } from './report.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    devices: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/', import.meta.url)) },
  },
});

function benchSize(quick: boolean, devicesOption: string | undefined): BenchSize {
  const devices = devicesOption === undefined ? (quick ? 50 : 1000) : Number(devicesOption);
  if (!Number.isInteger(devices) || devices < 10) throw new Error(`--devices must be a whole number ≥ 10, got ${String(devicesOption)}`);
  const unreachable = Math.round(devices / 10);
  // The quick run checks the report; its comparison runs (direct path, CLI) need not be full size.
  const comparison = quick ? { devices: 10, unreachable: 1 } : { devices, unreachable };
  return { devices, peerSample: quick ? 5 : Math.min(50, devices), unreachable, comparison };
}

function machineFacts(): MachineFacts {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg()[0] ?? 0,
    uvThreadpoolSize: process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)',
  };
}

const size = benchSize(values.quick, values.devices);
const machine = machineFacts();
const startedAt = new Date().toISOString();

await mkdir(values.out, { recursive: true });
const measured: Record<string, unknown> = { size };
/** Runs one scenario and keeps its raw measurement in `partial.json`, so a run cut short still shows what it measured. */
async function scenario<T>(name: string, description: string, measure: () => Promise<T>): Promise<T> {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${description}`);
  const result = await measure();
  measured[name] = result;
  await writeFile(join(values.out, 'partial.json'), `${JSON.stringify(measured, null, 2)}\n`);
  return result;
}

const limit = await scenario('limit', `limit: ${size.devices + 1} keys`, () => measureKeyLimit(size));
const zeroLatency = await scenario('zeroLatency', `ours: ${size.devices} devices, zero latency; lab; exporter`, () => measureZeroLatency(size));
const realistic = await scenario('realistic', `realistic latency: ${size.devices} devices, change window, serial copy on ${size.peerSample}`, () => measureRealisticLatency(size));
const unreachable = await scenario('unreachable', `unreachable: ${size.unreachable} of ${size.devices}`, () => measureUnreachable(size));

const report: BenchReport = {
  version: 1,
  mode: values.quick ? 'quick' : 'full',
  devices: size.devices,
  command: ['pnpm bench', ...process.argv.slice(2)].join(' '),
  startedAt,
  finishedAt: new Date().toISOString(),
  machine,
  engine: ENGINE_ENTRY_POINT,
  sections: reportSections({ size, limit, zeroLatency, realistic, unreachable }, machine.cpus),
};
const markdown = markdownReport(report);
await writeFile(join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(values.out, 'report.md'), markdown);
console.log(markdown);
