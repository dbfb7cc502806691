import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: `src/index.ts` to ESM + CJS + `.d.ts` for Node 20, with
 * source maps. A package passes only what differs.
 */
export function packageBuild(overrides: Options = {}): ReturnType<typeof defineConfig> {
  // `pnpm demo` builds the JavaScript only (SFTUNNEL_CA_BUILD_TYPES=no): the demo needs no `.d.ts`,
  // which are most of a build's time; it leaves those of an earlier build in place.
  const types = process.env['SFTUNNEL_CA_BUILD_TYPES'] !== 'no';
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: types,
    sourcemap: true,
    clean: types,
    target: 'node20',
    ...overrides,
  });
}
