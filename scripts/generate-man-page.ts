// Writes packages/cli/man/sftunnel-ca.1 from the CLI's command definitions: `pnpm docs:man`.
// packages/cli/test/man-page.test.ts fails when the committed page differs from what this writes.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAN_PAGE_PATH, programManPage } from '../packages/cli/src/man/program-man-page.js';

const target = join(fileURLToPath(new URL('../packages/cli/', import.meta.url)), MAN_PAGE_PATH);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, programManPage());
console.log(`wrote ${target}`);
