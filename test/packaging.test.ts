import { execFile } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));
const names = await readdir(packagesDir);

interface PackageJson {
  name: string;
  type: string;
  sideEffects: boolean;
  files: string[];
  exports: Record<string, { import?: { types: string; default: string }; require?: { types: string; default: string } } | string>;
}

describe.each(names)('package %s (built by `pnpm build`)', (name) => {
  const dir = `${packagesDir}${name}/`;

  it('declares an exports map with types first, dist only, no side effects', async () => {
    const manifest = JSON.parse(await readFile(`${dir}package.json`, 'utf8')) as PackageJson;
    expect(manifest.name).toBe(`@sftunnel-ca/${name}`);
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.files[0]).toBe('dist');
    expect(manifest.files.filter((entry) => entry !== 'dist')).toEqual(name === 'cli' ? ['bin', 'schemas', 'man', 'LICENSE'] : name === 'core' ? ['errors.md', 'LICENSE'] : ['LICENSE']);
    const root = manifest.exports['.'];
    expect(typeof root).toBe('object');
    if (typeof root !== 'object') return;
    expect(Object.keys(root.import ?? {})).toEqual(['types', 'default']);
    expect(Object.keys(root.require ?? {})).toEqual(['types', 'default']);
    for (const target of [root.import, root.require]) {
      expect((await stat(`${dir}${target?.types ?? ''}`)).isFile()).toBe(true);
      expect((await stat(`${dir}${target?.default ?? ''}`)).isFile()).toBe(true);
    }
  });

  it('loads as ESM and as CommonJS with the same named exports', async () => {
    const manifest = JSON.parse(await readFile(`${dir}package.json`, 'utf8')) as PackageJson;
    const root = manifest.exports['.'];
    if (typeof root !== 'object' || root.import === undefined || root.require === undefined) throw new Error('no exports map');
    const esm = (await import(pathToFileURL(`${dir}${root.import.default}`).href)) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(`${dir}${root.require.default}`) as Record<string, unknown>;
    expect(Object.keys(esm).length).toBeGreaterThan(0);
    expect(Object.keys(cjs).filter((key) => key !== '__esModule').sort()).toEqual(Object.keys(esm).sort());
  });
});

// The release path (issue 23): `pnpm pack` turns `workspace:*` into versions; the tarballs install
// with plain npm (no pnpm) into an empty directory, as a user on a jump server would. The CLI
// runs there without the simulator, refuses `demo` with the install command, and runs it once the
// lab is installed beside it. Needs the npm registry for third-party dependencies.
describe('the packed tarballs, installed with npm into an empty directory', () => {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  /** What `npm install @sftunnel-ca/cli` brings; the lab and the exporter are optional peers, installed by the tests that need them. */
  const cliAlone = ['core', 'transport', 'cli'] as const;
  const optionalPeers = ['exporter', 'lab'] as const;
  let work: string;
  let install: string;
  const tarballs = new Map<string, string>();
  // npm, not pnpm: nothing of the workspace's pnpm run (npm_config_*, npm_package_*) leaks into it.
  // Install scripts off: what is tested works without a native build (ssh2's optional binding and
  // cpu-features would otherwise compile, ~19 s of CPU). The registry is asked only for what the
  // cache lacks.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^PNPM_/i.test(key)));
  const run = (file: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string; code: number }> =>
    new Promise((resolve) => {
      execFile(file, [...args], { cwd, env: { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_ignore_scripts: 'true', npm_config_prefer_offline: 'true' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ stdout, stderr, code });
      });
    });
  const cli = (...args: string[]) => run(process.execPath, [join(install, 'node_modules', '@sftunnel-ca', 'cli', 'bin', 'sftunnel-ca.js'), ...args], install);
  const npmInstall = async (...names: string[]): Promise<void> => {
    const result = await run('npm', ['install', ...names.map((name) => tarballs.get(name) ?? name)], install);
    expect(result.code, result.stderr).toBe(0);
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sftunnel-ca-pack-'));
    install = join(work, 'install');
    await mkdir(install);
    await writeFile(join(install, 'package.json'), '{ "private": true }\n');
    // One pnpm for the five packs (npx's start alone costs about 3 s of CPU): `pnpm exec` runs the
    // pnpm npx put first on the PATH in every package.
    const packed = await run('npx', ['-y', 'pnpm@9.15.9', '--filter', './packages/*', 'exec', 'pnpm', 'pack', '--pack-destination', work], repo);
    expect(packed.code, packed.stderr).toBe(0);
    for (const name of [...cliAlone, ...optionalPeers]) tarballs.set(name, join(work, `sftunnel-ca-${name}-0.1.0.tgz`));
    await npmInstall(...cliAlone);
  }, 900_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('ships LICENSE, metadata and versions instead of workspace:* in every tarball', async () => {
    const license = await readFile(join(repo, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    // Read from the tarball, not unpacked: core's dist names PEM labels, which the secret audit rightly flags in loose files.
    const fileOf = async (name: string, file: string): Promise<string> => (await run('tar', ['-xzOf', tarballs.get(name) ?? '', `package/${file}`], work)).stdout;
    for (const name of [...cliAlone, ...optionalPeers]) {
      expect(await fileOf(name, 'LICENSE'), name).toBe(license);
      const text = await fileOf(name, 'package.json');
      expect(text, name).not.toContain('workspace:');
      const manifest = JSON.parse(text) as Record<string, unknown>;
      expect(manifest['license'], name).toBe('Apache-2.0');
      for (const field of ['repository', 'homepage', 'bugs', 'keywords']) expect(manifest[field], `${name}: ${field}`).toBeDefined();
    }
    // The CLI's man page, which package.json's `man` names (npm links it on a global install).
    expect(await fileOf('cli', 'man/sftunnel-ca.1')).toBe(await readFile(join(repo, 'packages', 'cli', 'man', 'sftunnel-ca.1'), 'utf8'));
  });

  it('installs the CLI without the simulator or the exporter, and transport with the types its public API names', async () => {
    await expect(stat(join(install, 'node_modules', '@sftunnel-ca', 'lab'))).rejects.toThrow();
    await expect(stat(join(install, 'node_modules', '@sftunnel-ca', 'exporter'))).rejects.toThrow();
    await expect(stat(join(install, 'node_modules', 'prom-client'))).rejects.toThrow();
    const transport = JSON.parse(await readFile(join(install, 'node_modules', '@sftunnel-ca', 'transport', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(transport.dependencies)).toContain('@types/ssh2');
    expect((await stat(join(install, 'node_modules', '@types', 'ssh2', 'index.d.ts'))).isFile()).toBe(true);
  });

  it('runs sftunnel-ca --version and check --file', async () => {
    const version = await cli('--version');
    expect(version.stdout.trim()).toBe('0.1.0');
    const check = await cli('check', '--file', join(repo, 'examples', 'fixtures', 'cacert.pem'), '--at', '2030-01-01', '--json');
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ schema: 'sftunnel-ca/check/v1', verdict: 'valid' });
  });

  it('ships the error catalogue with core where --help says, and the JSON schemas as files', async () => {
    const help = await cli('--help');
    expect(help.stdout).toContain('node_modules/@sftunnel-ca/core/errors.md');
    expect(await readFile(join(install, 'node_modules', '@sftunnel-ca', 'core', 'errors.md'), 'utf8')).toBe(await readFile(join(repo, 'docs', 'errors.md'), 'utf8'));
    const schemaOf = await run(process.execPath, ['-e', "process.stdout.write(JSON.stringify(require('@sftunnel-ca/cli/schemas/check-v1.json')))"], install);
    expect(schemaOf.code, schemaOf.stderr).toBe(0);
    const { JSON_SCHEMAS } = await import('../packages/cli/src/schemas/json-schemas.js');
    expect(JSON.parse(schemaOf.stdout)).toEqual(JSON_SCHEMAS['sftunnel-ca/check/v1']);
    const files = (await readdir(join(install, 'node_modules', '@sftunnel-ca', 'cli', 'schemas'))).sort();
    expect(files).toEqual(Object.keys(JSON_SCHEMAS).map((id) => `${id.split('/').slice(1).join('-')}.json`).sort());
    for (const file of files) {
      const schema = JSON.parse(await readFile(join(install, 'node_modules', '@sftunnel-ca', 'cli', 'schemas', file), 'utf8')) as { $id: string };
      expect(`${schema.$id.split('/').slice(1).join('-')}.json`).toBe(file);
    }
  });

  it('imports core from ESM and from CommonJS with the same exports', async () => {
    const esm = await run(process.execPath, ['--input-type=module', '-e', "const core = await import('@sftunnel-ca/core'); console.log(JSON.stringify([typeof core.Certificate, Object.keys(core).sort()]))"], install);
    const cjs = await run(process.execPath, ['-e', "const core = require('@sftunnel-ca/core'); console.log(JSON.stringify([typeof core.Certificate, Object.keys(core).filter((k) => k !== '__esModule').sort()]))"], install);
    expect(esm.code, esm.stderr).toBe(0);
    expect(cjs.code, cjs.stderr).toBe(0);
    const [esmType, esmKeys] = JSON.parse(esm.stdout) as [string, string[]];
    expect(esmType).toBe('function');
    expect(JSON.parse(cjs.stdout)).toEqual([esmType, esmKeys]);
  });

  it('refuses demo and the exporter without their optional packages, with the install command, then runs each once installed', async () => {
    const refused = await cli('demo', '--devices', '3', '--down', '1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('LAB_NOT_INSTALLED');
    expect(refused.stderr).toContain('npm install @sftunnel-ca/lab');
    const labUp = await cli('lab', 'up', '--devices', '1', '--state-dir', join(work, 'lab-state'));
    expect(labUp.code).toBe(2);
    expect(labUp.stderr).toContain('LAB_NOT_INSTALLED');
    const exporter = await cli('exporter', '--config', join(work, 'exporter.yml'));
    expect(exporter.code).toBe(2);
    expect(exporter.stderr).toContain('EXPORTER_NOT_INSTALLED');
    expect(exporter.stderr).toContain('npm install @sftunnel-ca/exporter');

    await npmInstall('exporter');
    const exporterInstalled = await cli('exporter', '--config', join(work, 'exporter.yml'));
    expect(exporterInstalled.stderr).not.toContain('EXPORTER_NOT_INSTALLED'); // loaded now: it reads the (missing) config
    expect(exporterInstalled.stderr).toContain('exporter.yml');

    await npmInstall('lab');
    const demo = await cli('demo', '--devices', '3', '--down', '1', '--json');
    expect(demo.code, demo.stderr).toBe(0);
    const outcome = JSON.parse(demo.stdout) as { schema: string; verified: number; devices: unknown[] };
    expect(outcome.schema).toBe('sftunnel-ca/demo/v1');
    expect(outcome.verified).toBe(3);
    expect(outcome.devices).toHaveLength(3);
  }, 900_000);
});

// Issue 23: `sftunnel-ca --version` and `--help` start at once. The CLI's entry and the chunks it
// imports statically load commander and Node's own modules only; core, transport, the exporter
// (prom-client, an optional peer), the password prompt, yaml and the lab load in the commands that use them, by
// `import()`. The start-up time itself is measured by `pnpm bench:cli`, not asserted here.
describe('the CLI entry point (built by `pnpm build`)', () => {
  it('statically imports nothing but commander and node: modules', async () => {
    const dist = fileURLToPath(new URL('../packages/cli/dist/', import.meta.url));
    const external = new Set<string>();
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(join(dist, file), 'utf8');
      // Static imports only: `import … from "x"` and `import "x"`; `import("x")` is loaded on use.
      for (const match of text.matchAll(/^(?:import|export)\s(?:[^;'"()]*?\sfrom\s)?["']([^"']+)["'];?$/gms)) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('./')) await visit(specifier.slice(2));
        else external.add(specifier);
      }
    };
    await visit('index.js');
    expect(seen.size).toBeGreaterThan(1);
    const allowed = (specifier: string): boolean => specifier === 'commander' || specifier.startsWith('node:') || builtinModules.includes(specifier);
    expect([...external].filter((specifier) => !allowed(specifier))).toEqual([]);
    expect(await readFile(join(dist, 'index.js'), 'utf8')).toContain('import("@sftunnel-ca/core")');
  });
});
