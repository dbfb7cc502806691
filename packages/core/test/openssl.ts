import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The result of one `openssl` run: what it printed and its exit status. */
export interface OpensslResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs the real `openssl` CLI; never throws on a non-zero exit (tests assert on `code`). */
export async function openssl(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<OpensslResult> {
  try {
    const { stdout, stderr } = await run('openssl', [...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8' });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: typeof failed.code === 'number' ? failed.code : 1 };
  }
}

/** A temporary directory for one test file, with a helper to write files into it. */
export interface Scratch {
  readonly dir: string;
  write(name: string, content: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

/** Makes a {@link Scratch} directory under the OS temp dir. */
export async function scratch(prefix = 'sftunnel-ca-test-'): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, content, { mode: 0o600 });
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
