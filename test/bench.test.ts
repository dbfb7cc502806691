import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('states each goal of the issue next to its figure', () => {
    const goals = report.sections.flatMap((s) => s.figures.flatMap((f) => (f.goal === undefined ? [] : [f.goal.text])));
    expect(goals).toHaveLength(7);
    expect(report.sections.find((s) => s.id === 'peer')?.figures.some((f) => f.extrapolated === true)).toBe(true);
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
