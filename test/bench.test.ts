import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOALS } from '../bench/goals.js';
import { SECTION_IDS, type BenchReport } from '../bench/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runFile = promisify(execFile);

// The benchmark's smoke test: `pnpm bench --quick` completes and reports every section. It checks
// that the report is complete, never how fast anything was (no timing thresholds).
describe('pnpm bench --quick', () => {
  let out: string;
  let report: BenchReport;
  let markdown: string;
  let printed: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'sftunnel-ca-bench-'));
    const { stdout } = await runFile(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--quick', '--out', out], { cwd: root, maxBuffer: 16 << 20 });
    printed = stdout;
    report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as BenchReport;
    markdown = await readFile(join(out, 'report.md'), 'utf8');
  }, 900_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('reports every section of issue 10, in order, for 50 devices', () => {
    expect(report.mode).toBe('quick');
    expect(report.devices).toBe(50);
    expect(report.sections.map((s) => s.id)).toEqual([...SECTION_IDS]);
    for (const section of report.sections) expect(section.figures.length, section.id).toBeGreaterThan(0);
  });

  it('has only finite numbers: positive, except counts and engine spans (≥ 0) and differences', () => {
    for (const section of report.sections) {
      for (const figure of section.figures) {
        const where = `${section.id}: ${figure.name}`;
        expect(Number.isFinite(figure.value), where).toBe(true);
        if (figure.difference === true) continue;
        if (figure.mayBeZero === true) expect(figure.value, where).toBeGreaterThanOrEqual(0);
        else expect(figure.value, where).toBeGreaterThan(0);
      }
    }
  });

  it('states each goal of issues 10 and 25 next to its figure, with a verdict', () => {
    const figures = report.sections.flatMap((s) => s.figures);
    const stated = new Set(figures.flatMap((f) => (f.goal === undefined ? [] : [f.goal.text])));
    expect([...stated].sort()).toEqual(Object.values(GOALS).map((goal) => goal(0).text).sort());
    for (const figure of figures.filter((f) => f.goal !== undefined)) expect(typeof figure.goal?.met, figure.name).toBe('boolean');
    // The verdict column, centred by markdown-table: `|     met     |` or `| **not met** |`.
    const verdicts = markdown.split('\n').filter((line) => /\|\s+(met|\*\*not met\*\*)\s+\|$/.test(line));
    expect(verdicts).toHaveLength(figures.filter((f) => f.goal !== undefined).length);
    expect(report.sections.find((s) => s.id === 'peer')?.figures.some((f) => f.extrapolated === true)).toBe(true);
  });

  it('splits the CPU of every renewal and of the serial copy between renewer and lab, per device, with both floors', () => {
    for (const id of ['ours', 'realistic', 'peer', 'change-window', 'unreachable'] as const) {
      const names = report.sections.find((s) => s.id === id)?.figures.map((f) => f.name) ?? [];
      for (const wanted of ['CPU time of the renewing process', 'renewer CPU per device', 'CPU time of the lab’s process (SSH servers, shells, TLS)', 'lab CPU per device']) expect(names, id).toContain(wanted);
      expect(names.some((name) => name.startsWith('CPU floor on this machine')), id).toBe(true);
      expect(names.some((name) => name.startsWith('a real fleet')), id).toBe(true);
    }
  });

  it('reaches devices on the expert path, keeps the direct path as a comparison, and times unreachable devices through the library and the CLI', () => {
    const ours = report.sections.find((s) => s.id === 'ours');
    expect(ours?.notes.some((note) => note.includes('CLI → expert → sudo su'))).toBe(true);
    expect(ours?.figures.filter((f) => f.name.startsWith('direct path')).map((f) => f.name)).toEqual([
      'direct path (root over exec, for comparison): wall',
      'direct path: wall ÷ limit',
      'direct path: renewer CPU per device',
      'direct path: lab CPU per device',
      'direct path: devices renewed',
    ]);
    const unreachable = report.sections.find((s) => s.id === 'unreachable')?.figures.filter((f) => f.goal !== undefined).map((f) => f.name);
    expect(unreachable).toContain('added by the unreachable devices');
    expect(unreachable).toContain('through the CLI: added by the unreachable devices');
    expect(markdown).not.toContain('n/a');
  });

  it('writes the Markdown table and prints it', () => {
    expect(markdown).toContain('| section');
    expect(printed).toContain(markdown.trim());
    for (const section of report.sections) expect(markdown).toContain(section.title);
  });

  it('names the machine it ran on', () => {
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toMatch(/^v\d+/);
  });
});
