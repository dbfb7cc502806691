/**
 * The shape of the code's imports, checked on every run: no import circle anywhere (type-only
 * imports count: a circle of types is still a circle a reader has to untangle), and the packages'
 * layering — core imports no workspace package; transport and lab import only core; the CLI and
 * the exporter import core and transport. The lab and the exporter are the CLI's optional peers,
 * loaded on demand (`demo`, `lab`, `exporter`): no module its entry reaches statically imports a
 * value from them; tests and `src/testing/` helpers may use devDependencies.
 * The graph is dpdm's (TypeScript-aware; `transform` drops type-only imports where values matter).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['packages/*/src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'];

/** Which workspace packages each package's sources may import statically. */
/** What the CLI loads on demand (optional peers): imported only dynamically, by `optional-packages.ts`. */
const OPTIONAL_PEERS_OF_CLI: readonly string[] = ['lab', 'exporter'];

const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  transport: ['core'],
  lab: ['core'],
  exporter: ['core', 'transport'],
  cli: ['core', 'transport'],
};

/** The import graph of `entries` under `cwd`; `values: true` leaves out type-only imports. */
async function dependencyTree(entries: readonly string[], cwd: string, options: { readonly values?: boolean } = {}): Promise<DependencyTree> {
  return parseDependencyTree([...entries], { cwd, context: cwd, transform: options.values === true, include: /\.[cm]?ts$/, exclude: /node_modules|[\\/]dist[\\/]/ });
}

/** The files `entry` reaches through static imports. */
function staticallyReached(tree: DependencyTree, entry: string): Set<string> {
  const reached = new Set<string>();
  const visit = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const dependency of tree[file] ?? []) if (dependency.kind !== 'DynamicImport' && dependency.id !== null) visit(dependency.id);
  };
  visit(entry);
  return reached;
}

const packageOf = (file: string): string | undefined => /^packages[\\/]([^\\/]+)[\\/]/.exec(file)?.[1];
const workspacePackageOf = (request: string): string | undefined => /^@sftunnel-ca\/([^/]+)/.exec(request)?.[1];
const isTestOnly = (file: string): boolean => /\.test\.ts$/.test(file) || file.includes(`${sep}src${sep}testing${sep}`);

function circlesIn(tree: DependencyTree, cwd: string): string[] {
  return parseCircular(tree, true).map((circle) => circle.map((file) => relative(cwd, file)).join(' -> '));
}

describe('import structure', () => {
  let packageValues: Promise<DependencyTree> | undefined;
  /** The packages' sources without type-only imports, parsed once for the tests that need it. */
  const packageValueTree = (): Promise<DependencyTree> => (packageValues ??= dependencyTree(['packages/*/src/**/*.ts'], ROOT, { values: true }));

  it('finds a circle of type-only imports in a small tree (the check bites)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sca-circles-'));
    try {
      await writeFile(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
      await writeFile(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
      await writeFile(join(dir, 'c.ts'), "import type { A } from './a.js';\nexport type C = A;\n");
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
      const circles = parseCircular(await dependencyTree(['*.ts'], dir), true);
      expect(circles.map((circle) => [...circle].sort())).toEqual([['a.ts', 'b.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has no import circle in any package, test, benchmark or example', async () => {
    const tree = await dependencyTree(SOURCES, ROOT);
    expect(Object.keys(tree).filter((file) => file.startsWith(`packages${sep}core${sep}src`)).length, 'the graph covers core').toBeGreaterThan(50);
    expect(circlesIn(tree, ROOT)).toEqual([]);
  });

  it('keeps the packages layered: each imports only the workspace packages below it', async () => {
    const tree = await packageValueTree();
    const crossings: string[] = [];
    for (const [file, dependencies] of Object.entries(tree)) {
      const from = packageOf(file);
      if (from === undefined || isTestOnly(file)) continue;
      for (const { request } of dependencies ?? []) {
        const to = workspacePackageOf(request);
        const allowed = to === undefined || to === from || (MAY_IMPORT[from] ?? []).includes(to) || (from === 'cli' && OPTIONAL_PEERS_OF_CLI.includes(to));
        if (!allowed) crossings.push(`${file} imports ${request}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it.each(OPTIONAL_PEERS_OF_CLI)("loads the %s only on demand: nothing the CLI's entry reaches statically imports a value from it", async (optional) => {
    const tree = await packageValueTree();
    const entry = join('packages', 'cli', 'src', 'index.ts');
    const reached = staticallyReached(tree, entry);
    expect(reached.size, 'the entry reaches the commands').toBeGreaterThan(20);
    const imports = (file: string, how: 'static' | 'dynamic'): boolean =>
      (tree[file] ?? []).some((d) => workspacePackageOf(d.request) === optional && (d.kind === 'DynamicImport') === (how === 'dynamic'));
    expect([...reached].filter((file) => file.startsWith(join('packages', 'cli')) && imports(file, 'static'))).toEqual([]);
    // …and it is used, through the one loader of optional packages.
    expect(Object.keys(tree).filter((file) => file.startsWith(join('packages', 'cli')) && imports(file, 'dynamic'))).toEqual([join('packages', 'cli', 'src', 'optional-packages.ts')]);
  });
});
