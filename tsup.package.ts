import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: `src/index.ts` to ESM + CJS + `.d.ts` for Node 20, with
 * source maps. A package passes only what differs.
 */
export function packageBuild(overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
