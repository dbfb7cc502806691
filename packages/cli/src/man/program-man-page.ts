import { processIo } from '../cli-io.js';
import { commandTree } from '../completion/command-tree.js';
import { createProgram } from '../run-cli.js';
import { manPage } from './man-page.js';

/** Where the man page is kept in the CLI package, as its `man` field names it. */
export const MAN_PAGE_PATH = 'man/sftunnel-ca.1';

/**
 * The man page of `sftunnel-ca`, from its command definitions (nothing is run). Defaults that
 * depend on the environment are shown by the variable they come from (`$XDG_STATE_HOME/…`), so
 * the page is the same on every machine.
 */
export function programManPage(): string {
  const program = createProgram({ ...processIo(), env: { XDG_STATE_HOME: '$XDG_STATE_HOME' } }, () => undefined);
  return manPage(commandTree(program), program.version() ?? '');
}
