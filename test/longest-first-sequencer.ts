import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The committed durations the sequencer falls back on (written by `pnpm test:durations`). */
export const FILE_DURATIONS = new URL('./file-durations.json', import.meta.url);

/** `test/file-durations.json`: each test file's duration in a whole run, in seconds, by vitest's key (`project:path from the root`). */
export interface FileDurations {
  readonly $comment: string;
  readonly durations: Readonly<Record<string, number>>;
}

/**
 * vitest's key for a test file in its cache of results, and the table's: `project:path from the root`.
 *
 * @param project - the file's project name
 * @param root - vitest's root
 * @param moduleId - the file's absolute path
 */
export function fileKey(project: string, root: string, moduleId: string): string {
  return `${project}:${relative(root, moduleId)}`;
}

/** A file to order: vitest's key for it and its rank when no duration is known (0 first). */
export interface StartCandidate {
  readonly key: string;
  readonly rank: number;
}

/**
 * The order files start in when some have no duration in vitest's cache: files with no known
 * duration at all (new ones: they may be long) first, by rank; then the rest, the longest first.
 * Stable: candidates that tie keep their order.
 *
 * @param candidates - the files, in vitest's order (by size)
 * @param duration - a file's known duration (vitest's cache, else the committed table), if any
 */
export function startOrder<T extends StartCandidate>(candidates: readonly T[], duration: (key: string) => number | undefined): T[] {
  const known = (candidate: T): number => duration(candidate.key) ?? Number.POSITIVE_INFINITY;
  return candidates.toSorted((a, b) => {
    const [da, db] = [known(a), known(b)];
    return da === Number.POSITIVE_INFINITY && db === Number.POSITIVE_INFINITY ? a.rank - b.rank : db - da;
  });
}

/**
 * Puts the files of the projects with the least work first, each project's files in the order given.
 * A pool whose workers keep their modules (`isolate: false`) runs a project's files as a group and
 * queues the next project's only once all of the group have started: a small project queued behind
 * a big one runs at the end, on fewer workers than there are cores, while a small one queued first
 * is under way within seconds and lets the big one's long files start right after.
 *
 * @param files - the files, in the order each project's should start in
 * @param project - a file's project
 * @param duration - a file's known duration, if any (an unknown one counts as none)
 */
export function smallestProjectsFirst<T>(files: readonly T[], project: (file: T) => string, duration: (file: T) => number | undefined): T[] {
  const work = new Map<string, number>();
  for (const file of files) work.set(project(file), (work.get(project(file)) ?? 0) + (duration(file) ?? 0));
  return files.toSorted((a, b) => (work.get(project(a)) ?? 0) - (work.get(project(b)) ?? 0));
}

function committedDurations(): Readonly<Record<string, number>> {
  return (JSON.parse(readFileSync(FILE_DURATIONS, 'utf8')) as FileDurations).durations;
}

/**
 * The order test files start in, within each pool (vitest sorts the files of the forked processes
 * apart from those of the shared worker threads): the longest first, so that no file that runs
 * for minutes starts last and holds the run's end on one core. With the durations of an earlier
 * run in vitest's cache, vitest's own order (failed first, then the longest). Without them — a
 * fresh clone, as CI runs — the durations of `test/file-durations.json`, a whole run's, committed
 * (what vitest's size order cannot know: `test/bench.test.ts` is small and runs the benchmark for
 * minutes); a file in neither starts first, the repository's end-to-end files before the other
 * integration projects and the unit files last. In a pool whose workers keep their modules (the
 * shared threads) the projects with the least work then go first ({@link smallestProjectsFirst}): it runs a
 * project's files as a group and queues the next project's once the group has started, so a small
 * project queued last runs at the end on fewer workers (the transport and exporter files, in
 * processes that were shared for a trial: the run's last 50 s).
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const key = (spec: TestSpecification): string => fileKey(spec.project.name, this.ctx.config.root, spec.moduleId);
    const cached = (k: string): number | undefined => this.ctx.cache.getFileTestResults(k)?.duration;
    const committed = committedDurations();
    const duration = (k: string): number | undefined => cached(k) ?? (committed[k] === undefined ? undefined : committed[k] * 1000);
    const rank = (spec: TestSpecification): number => (spec.project.name === 'repo' ? 0 : spec.project.name === 'unit' ? 2 : 1);
    const candidates = sorted.map((spec) => ({ spec, key: key(spec), rank: rank(spec) }));
    const ordered = sorted.every((spec) => cached(key(spec)) !== undefined) ? candidates : startOrder(candidates, duration);
    // vitest sorts each pool's files apart; only a pool whose workers keep their modules runs them by project.
    const pools = this.ctx.config.poolOptions as Readonly<Record<string, { readonly isolate?: boolean } | undefined>> | undefined;
    const pool = sorted[0]?.pool;
    const byProject = pool !== undefined && pools?.[pool]?.isolate === false;
    return (byProject ? smallestProjectsFirst(ordered, (c) => c.spec.project.name, (c) => duration(c.key)) : ordered).map(({ spec }) => spec);
  }
}
