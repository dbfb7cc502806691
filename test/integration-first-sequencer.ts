import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order test files start in, within each pool (vitest sorts the files of the forked processes
 * apart from those of the shared worker threads). With the durations of an earlier run in
 * vitest's cache, vitest's own order: the longest first. Without them (a fresh clone, as CI runs),
 * the repository's end-to-end tests first, then the other integration projects, the unit project
 * last, each by size: a file that runs for minutes must not start last.
 */
export class IntegrationFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = (spec: TestSpecification): boolean => this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`) !== undefined;
    if (sorted.every(timed)) return sorted;
    const rank = (spec: TestSpecification): number => (spec.project.name === 'repo' ? 0 : spec.project.name === 'unit' ? 2 : 1);
    return sorted.sort((a, b) => rank(a) - rank(b)); // stable: by size within a rank
  }
}
