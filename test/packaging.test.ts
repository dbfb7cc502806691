import { createRequire } from 'node:module';
import { readdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

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
    expect(manifest.files.filter((entry) => entry !== 'dist')).toEqual(name === 'cli' ? ['bin'] : []);
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
