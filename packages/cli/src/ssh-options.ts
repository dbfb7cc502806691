import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ShellStrategy, SshCredentials, SshEndpoint, SshHostOptions } from '@sftunnel-ca/transport';
import { Option, type Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { readOwnerOnlyFile } from './owner-only-file.js';
import { SAFE_SECRET_SOURCES } from './secret-arguments.js';

/** The SSH options a command takes, as commander parses them. */
export interface SshFlags {
  readonly identity?: string;
  readonly passwordFile?: string;
  readonly knownHosts?: string[];
  readonly acceptNewHostKey?: boolean;
  readonly hostKey?: string[];
  readonly strategy?: ShellStrategy;
  readonly jump?: string[];
  readonly connectTimeout?: string;
}

/** An SSH target written `user@host[:port]` (IPv6 as `user@[::1]:22`). */
export interface SshTarget {
  readonly username: string;
  readonly host: string;
  readonly port: number;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds the SSH options (credentials by reference only, host keys, shell strategy, jump hosts) to a command. */
export function addSshOptions(command: Command): Command {
  return command
    .addOption(new Option('--identity <file>', 'private key file (passphrase from SFTUNNEL_CA_KEY_PASSPHRASE)'))
    .addOption(new Option('--password-file <file>', 'file holding the password on its first line; must be mode 0600'))
    .addOption(new Option('--known-hosts <file>', 'OpenSSH known_hosts file (repeatable; default ~/.ssh/known_hosts)').argParser(collect))
    .addOption(new Option('--accept-new-host-key', 'record the key of a host not yet known (a changed key is always refused)'))
    .addOption(new Option('--host-key <fingerprint>', 'pin a host key, SHA256:… as ssh-keygen -lf prints it (repeatable)').argParser(collect))
    .addOption(new Option('--strategy <strategy>', 'how to reach root: expert (FTD CLI → expert → sudo su), direct (exec), auto').choices(['auto', 'direct', 'expert']).default('auto'))
    .addOption(new Option('--jump <user@host:port>', 'jump host, like ssh -J (repeatable, in order)').argParser(collect))
    .addOption(new Option('--connect-timeout <ms>', 'connect timeout in milliseconds').default('20000'));
}

/**
 * Reads `user@host[:port]`.
 *
 * @param text - the target as typed
 * @param option - the option's name, for errors
 */
export function parseSshTarget(text: string, option: string): SshTarget {
  const match = /^([^@\s]+)@(\[[0-9a-fA-F:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[3] === undefined ? 22 : Number(match[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new CliUsageError(`${option} takes user@host or user@host:port (e.g. admin@127.0.0.10:2222), got ${JSON.stringify(text)}`);
  }
  return { username: match[1] ?? '', host: (match[2] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Builds the options of `SshHost.connect` from the flags, the environment and, on a terminal,
 * a prompt with no echo. Secrets come only from ssh-agent, a key file, `SFTUNNEL_CA_PASSWORD`,
 * a 0600 password file or the prompt.
 */
export async function resolveSshOptions(io: CliIo, target: SshTarget, flags: SshFlags): Promise<SshHostOptions> {
  const credentials = await resolveCredentials(io, target, flags);
  const { Secret } = await import('@sftunnel-ca/core'); // loaded on use: building the command tree stays cheap
  const sudoPassword = io.env.SFTUNNEL_CA_SUDO_PASSWORD;
  const shared = sharedSshOptions(flags);
  const jump: SshEndpoint[] = (flags.jump ?? []).map((text) => {
    const hop = parseSshTarget(text, '--jump');
    return { ...credentials, username: hop.username, host: hop.host, port: hop.port, hostKeys: shared.hostKeys };
  });
  return {
    name: target.host,
    host: target.host,
    port: target.port,
    ...credentials,
    ...shared,
    ...(sudoPassword === undefined || sudoPassword === '' ? {} : { sudoPassword: new Secret(sudoPassword) }),
    ...(jump.length === 0 ? {} : { jump }),
  };
}

/** What every appliance of a run is reached with, whatever its credentials: host key trust, shell strategy, connect timeout. */
export type SharedSshOptions = Required<Pick<SshHostOptions, 'hostKeys' | 'strategy' | 'connectTimeoutMs'>>;

/**
 * The options shared by every appliance of a run, from the flags: host keys (strict against
 * known_hosts unless `--accept-new-host-key`, plus pinned fingerprints), shell strategy, timeout.
 */
export function sharedSshOptions(flags: SshFlags): SharedSshOptions {
  const timeout = Number(flags.connectTimeout ?? '20000');
  if (!Number.isInteger(timeout) || timeout < 100) throw new CliUsageError(`--connect-timeout takes milliseconds (at least 100), got ${JSON.stringify(flags.connectTimeout)}`);
  return {
    hostKeys: {
      policy: flags.acceptNewHostKey === true ? 'accept-new' : 'strict',
      knownHostsFiles: flags.knownHosts ?? [join(homedir(), '.ssh', 'known_hosts')],
      ...(flags.hostKey === undefined ? {} : { fingerprints: flags.hostKey }),
    },
    strategy: flags.strategy ?? 'auto',
    connectTimeoutMs: timeout,
  };
}

async function resolveCredentials(io: CliIo, target: SshTarget, flags: SshFlags): Promise<SshCredentials> {
  const { Secret } = await import('@sftunnel-ca/core');
  const agent = io.env.SSH_AUTH_SOCK !== undefined && io.env.SSH_AUTH_SOCK !== '';
  const privateKey = flags.identity === undefined ? undefined : new Secret(await readOwnerOnlyFile(flags.identity, '--identity'));
  const passphrase = io.env.SFTUNNEL_CA_KEY_PASSPHRASE;
  let password: string | undefined = io.env.SFTUNNEL_CA_PASSWORD;
  if (flags.passwordFile !== undefined) password = (await readOwnerOnlyFile(flags.passwordFile, '--password-file')).split(/\r?\n/, 1)[0] ?? '';
  if (password === undefined && privateKey === undefined && !agent) {
    if (io.stdin.isTTY !== true) {
      throw new CliUsageError(`no credentials for ${target.username}@${target.host}: ${SAFE_SECRET_SOURCES}`);
    }
    const { default: promptPassword } = await import('@inquirer/password');
    password = await promptPassword({ message: `Password for ${target.username}@${target.host}`, mask: false }, { input: io.stdin, output: io.stderr });
  }
  return {
    username: target.username,
    agent,
    ...(password === undefined ? {} : { password: new Secret(password) }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(passphrase === undefined || passphrase === '' ? {} : { passphrase: new Secret(passphrase) }),
  };
}
