/**
 * The test suite's projects, in two kinds (docs/testing.md):
 *
 * - **unit** (`unit`): the `src/**\/*.test.ts` of {@link UNIT_PACKAGES}. No lab, no sshd, no built
 *   CLI; the workspace packages resolve to their sources, so `pnpm test:unit` needs no build. A
 *   test that needs more lives in a `test/` folder (`test/unit-tests-stay-unit.test.ts`).
 * - **integration**: each package's `test/`, the lab package's own tests (they start the
 *   simulator) and the repository's `test/`. They import the packages' `dist/`, which `pnpm test`
 *   builds first; `transport:sshd` creates the test users the real sshd logs in.
 *
 * The unit, `lab` and `cli:lab` files share worker threads and their loaded modules
 * ({@link SHARED_THREADS}); every other file has a process of its own.
 *
 * `pnpm test` runs every project; `pnpm test:unit` the unit one (`--project unit`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { FileDurationsReporter } from './test/file-durations-reporter.js';
import { LongestFirstSequencer } from './test/longest-first-sequencer.js';

/** The packages whose `src/` tests are unit tests (the lab's own tests start the lab). */
export const UNIT_PACKAGES = ['core', 'cli', 'transport', 'exporter'] as const;
const WORKSPACE_PACKAGES = [...UNIT_PACKAGES, 'lab'] as const;

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
/** `pnpm test:durations`: where a passing run writes each file's duration (the table the sequencer falls back on). */
const DURATIONS_OUT = process.env['SFTUNNEL_CA_FILE_DURATIONS'];
/** The secret audit runs around every test file of every project. */
const AUDIT = fromRoot('./test/secret-audit/audit-setup.ts');

/**
 * The threads pool: two worker threads that each keep their modules from file to file
 * (`isolate: false`), for the projects whose files are many and short (`pool: 'threads'`). A fresh
 * process per file, its vitest runtime and its imports (the x509 and ASN.1 libraries, fast-check,
 * the lab's shell interpreter) cost about as much as such a file's own work, and the code never
 * gets warm: the unit files took 178 s of CPU in a process each and 64–68 s here, the `lab` and
 * `cli:lab` files 266 s and 193 s (docs/testing.md). vitest runs each project's files as a group,
 * in fresh threads. The secret audit runs around each file all the same (its set-up is re-run per
 * file and keeps per-thread state once). Two threads: both cores, beside the forked files; the
 * minimum is the maximum, as a pool that shrinks and grows again at the end fails to stop
 * (tinypool 1.1).
 */
export const SHARED_THREADS = { isolate: false, minThreads: 2, maxThreads: 2 } as const;

/** The unit files of every unit package, with the workspace's packages read from their sources. */
function unitProject(testTimeout: number): TestProjectInlineConfiguration {
  return {
    resolve: {
      alias: [
        { find: '@sftunnel-ca/core/testing', replacement: fromRoot('./packages/core/src/testing/index.ts') },
        { find: '@sftunnel-ca/transport/testing', replacement: fromRoot('./packages/transport/src/testing/index.ts') },
        ...WORKSPACE_PACKAGES.map((p) => ({ find: new RegExp(`^@sftunnel-ca/${p}$`), replacement: fromRoot(`./packages/${p}/src/index.ts`) })),
      ],
    },
    test: {
      name: 'unit',
      root: fromRoot('./packages'),
      include: UNIT_PACKAGES.map((name) => `${name}/src/**/*.test.ts`),
      pool: 'threads',
      setupFiles: [AUDIT],
      testTimeout,
      hookTimeout: testTimeout,
    },
  };
}

/**
 * The packages' built `dist/`: loaded by Node itself, as `node_modules` are. vitest would otherwise
 * inline them (they resolve out of `node_modules` through the workspace's links) and transform and
 * run them through its module runner again in every test file's process.
 */
const BUILT_PACKAGES = /\/packages\/[^/]+\/dist\//;

/** Tests of a folder that start labs, sshd or the built CLI, against the packages' `dist/` (a process per file unless `pool` says `threads`). */
function integrationProject(name: string, root: string, include: string[], test: { testTimeout: number; globalSetup?: string[]; pool?: 'threads' }): TestProjectInlineConfiguration {
  return { test: { name, root: fromRoot(root), include, setupFiles: [AUDIT], hookTimeout: test.testTimeout, server: { deps: { external: [BUILT_PACKAGES] } }, ...test } };
}

export default defineConfig({
  test: {
    // vitest's default on 2 cores is a single worker (cores − 1), which left one core idle while a
    // file waited (a timeout, a lab's latency, npm): four files at a time keep both busy (the whole
    // run: 12 min 39 s – 13 min 41 s with three, 12 min 17 s with four, at 1.8 cores; docs/testing.md).
    // Every project gives a hook (a lab or a CA's keys in beforeAll) as long as a test: with several
    // files on two cores, the default 10 s was too short for a lab's start.
    maxWorkers: 4,
    poolOptions: { threads: SHARED_THREADS },
    // The longest files first, in a fresh clone too (test/file-durations.json).
    sequence: { sequencer: LongestFirstSequencer },
    reporters: DURATIONS_OUT === undefined ? ['default'] : ['default', new FileDurationsReporter(DURATIONS_OUT, fromRoot('./'))],
    // One key pool for every lab of the run (a lab would otherwise generate eight RSA keys).
    globalSetup: [fromRoot('./test/lab-keys-global-setup.ts')],
    projects: [
      unitProject(120_000),
      integrationProject('lab', './packages/lab', ['src/**/*.test.ts', 'test/**/*.test.ts'], { testTimeout: 60_000, pool: 'threads' }),
      integrationProject('transport:sshd', './packages/transport', ['test/**/*.test.ts'], { testTimeout: 60_000, globalSetup: ['test/global-setup.ts'] }),
      integrationProject('exporter:lab', './packages/exporter', ['test/**/*.test.ts'], { testTimeout: 120_000 }),
      integrationProject('cli:lab', './packages/cli', ['test/**/*.test.ts'], { testTimeout: 120_000, pool: 'threads' }),
      integrationProject('repo', './', ['test/**/*.test.ts'], { testTimeout: 600_000 }),
    ],
  },
});
