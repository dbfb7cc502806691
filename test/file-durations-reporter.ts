import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';
import { fileKey, type FileDurations } from './longest-first-sequencer.js';

/**
 * Writes each test file's duration (its tests and hooks, in seconds, the longest first) by vitest's
 * key for it (`project:path from the root`) when a run passes: the table a fresh clone's run starts
 * its files by (`test/file-durations.json`, {@link LongestFirstSequencer}). `pnpm test:durations`
 * refreshes it from a whole run.
 */
export class FileDurationsReporter implements Reporter {
  /**
   * @param out - the file to write
   * @param root - the directory the keys' paths are relative to (vitest's root)
   */
  constructor(
    private readonly out: string,
    private readonly root: string,
  ) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    if (reason !== 'passed') return;
    const rows = modules.map((module) => [fileKey(module.project.name, this.root, module.moduleId), Math.round(module.diagnostic().duration / 100) / 10] as const);
    const table: FileDurations = {
      $comment: 'Each test file’s duration in seconds in a whole run on 2 cores (`pnpm test:durations`): the order a fresh clone starts them in, the longest first (test/longest-first-sequencer.ts).',
      durations: Object.fromEntries(rows.toSorted((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    };
    writeFileSync(this.out, `${JSON.stringify(table, null, 2)}\n`);
  }
}
