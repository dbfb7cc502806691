import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import type { CommandResult, Host } from '../src/host/host.js';

/**
 * A Host over this machine's real `/bin/sh` (commands run with `sh -c`, standard input piped), which
 * records every command line it is given. Only `run` and `writeFileAtomic` are used by the helpers.
 */
export function localShellHost(): { host: Host; commands: string[] } {
  const commands: string[] = [];
  const unused = (): never => {
    throw new Error('not used by the host helpers under test');
  };
  const host: Host = {
    name: 'local-sh',
    readFile: unused,
    stat: unused,
    exists: unused,
    list: unused,
    copy: unused,
    rename: unused,
    close: () => Promise.resolve(),
    writeFileAtomic: (path, data, options) => {
      writeFileSync(path, data);
      chmodSync(path, options?.mode ?? 0o644);
      return Promise.resolve({ sha256: '' });
    },
    run: (command, options) =>
      new Promise<CommandResult>((resolve, reject) => {
        commands.push(command);
        const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.stdin.on('error', () => undefined); // a command that reads no input closes it early
        child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 255 }));
        child.stdin.end(options?.stdin ?? '');
      }),
  };
  return { host, commands };
}
