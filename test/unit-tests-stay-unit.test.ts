/**
 * The split of the suite holds by folder (vitest.config.ts): the `src/**\/*.test.ts` of the unit
 * packages make `pnpm test:unit`, which has no lab, no sshd and no build. A test that needs one of
 * those belongs in a `test/` folder; this catches one placed in `src/` by what it imports or runs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNIT_PACKAGES } from '../vitest.config.js';

const ROOT = join(import.meta.dirname, '..');

/** What a unit test must not touch: the lab, the sshd fixture and its users, the built CLI or any `dist/`. */
const NEEDS_MORE_THAN_A_UNIT = [
  { what: 'the lab', pattern: /['"]@sftunnel-ca\/lab['"]|\/lab\/src\/|\b(startLab|useCliLab|labFmcs)\b/ },
  { what: 'sshd', pattern: /\/(sshd|test-users|global-setup)\.js['"]|\bstartSshd\b/ },
  { what: 'the built CLI', pattern: /bin\/sftunnel-ca\.js|\/run-binary\.js['"]|\brunBinary\b/ },
  { what: 'a build', pattern: /['"](\.\.\/)+([\w-]+\/)*dist\// },
];

describe('unit tests (src/ of the unit packages)', () => {
  it('start no lab and no sshd, and run neither the built CLI nor anything in dist/', async () => {
    const found: string[] = [];
    for (const name of UNIT_PACKAGES) {
      const src = join(ROOT, 'packages', name, 'src');
      const entries = await readdir(src, { withFileTypes: true, recursive: true });
      const tests = entries.filter((e) => e.isFile() && e.name.endsWith('.test.ts')).map((e) => join(e.parentPath, e.name));
      expect(tests.length, name).toBeGreaterThan(0);
      for (const file of tests) {
        const text = await readFile(file, 'utf8');
        for (const { what, pattern } of NEEDS_MORE_THAN_A_UNIT) if (pattern.test(text)) found.push(`${relative(ROOT, file)} uses ${what}: move it to packages/${name}/test/`);
      }
    }
    expect(found).toEqual([]);
  });
});
