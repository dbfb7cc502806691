/** Writes docs/errors.md from the table of error codes: `pnpm docs:errors`. */
import { writeFile } from 'node:fs/promises';
import { renderErrorCodesMarkdown } from '../packages/core/src/errors/error-codes-markdown.js';

await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrorCodesMarkdown());
console.log('docs/errors.md written');
