import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Where a run keeps its journal when `--journal` is not given:
 * `$XDG_STATE_HOME/sftunnel-ca/journals/<FMC UUID>-<staging directory name>.journal` (or under
 * `~/.local/state`), the directory created with mode 0700.
 *
 * @param env - the environment
 * @param fmcUuid - the FMC's UUID
 * @param stagingDirectory - the run's staging directory on the FMC
 */
export async function defaultJournalPath(env: Readonly<Record<string, string | undefined>>, fmcUuid: string, stagingDirectory: string): Promise<string> {
  const base = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  const directory = join(base, 'sftunnel-ca', 'journals');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  return join(directory, `${fmcUuid}-${basename(stagingDirectory)}.journal`);
}
