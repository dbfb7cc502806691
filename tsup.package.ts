import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares: `src/index.ts` to ESM + CJS + `.d.ts` for Node 20, with
 * source maps. A package passes only what differs.
 */
export function packageBuild(overrides: Options = {}): ReturnType<typeof defineConfig> {
  // `pnpm demo` builds the JavaScript only (SFTUNNEL_CA_BUILD_TYPES=no): the demo needs no `.d.ts`,
  // which are most of a build's time; it leaves those of an earlier build in place. `pnpm test`
  // emits them without checking the types again (`unchecked`: TypeScript's `noCheck`, the same
  // `.d.ts`), as its type check of every package, test and example runs beside the build and fails
  // the command on any error; each package's check took half of its `.d.ts` build.
  const types = process.env['SFTUNNEL_CA_BUILD_TYPES'] ?? 'checked';
  if (!['checked', 'unchecked', 'no'].includes(types)) throw new Error(`SFTUNNEL_CA_BUILD_TYPES must be checked (the default), unchecked or no, not ${JSON.stringify(types)}`);
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: types === 'no' ? false : types === 'unchecked' ? { compilerOptions: { noCheck: true } } : true,
    sourcemap: true,
    clean: types !== 'no',
    target: 'node20',
    ...overrides,
  });
}
