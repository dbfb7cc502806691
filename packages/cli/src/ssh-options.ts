import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ShellStrategy, SshCredentials, SshEndpoint, SshHostOptions } from '@sftunnel-ca/transport';
import { Option, type Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-usage-error.js';
import { readOwnerOnlyFile } from './owner-only-file.js';
import { collect } from './repeatable-option.js';
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
  readonly loginTimeout?: string;
  readonly idleTimeout?: string;
  readonly commandTimeout?: string;
  readonly promptSettle?: string;
  readonly cliPrompt?: string;
  readonly shellPrompt?: string;
  readonly rootPrompt?: string;
  readonly passwordPrompt?: string;
}

/**
 * Reads a duration as the timeout options take it: `30s`, `1500ms`, or a bare number of
 * milliseconds (as `--connect-timeout` always took). `undefined` when it is none of these.
 *
 * @param value - the text typed (or a number from an inventory)
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
  if (match === null) return undefined;
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The login-shell prompt patterns one may override, by option name, as `SshHostOptions.prompts` names them. */
export const PROMPT_OPTIONS = { cliPrompt: 'cli', shellPrompt: 'user', rootPrompt: 'root', passwordPrompt: 'password' } as const;

/**
 * Compiles a prompt pattern as typed (a JavaScript regular expression, matched against the last
 * line of output): `undefined` when it does not compile.
 */
export function compilePromptPattern(text: string): RegExp | undefined {
  try {
    return text === '' ? undefined : new RegExp(text);
  } catch {
    return undefined;
  }
}

/** An SSH target written `user@host[:port]` (IPv6 as `user@[::1]:22`). */
export interface SshTarget {
  readonly username: string;
  readonly host: string;
  readonly port: number;
}

/** Adds the SSH options (credentials by reference only, host keys, shell strategy, jump hosts) to a command. */
export function addSshOptions(command: Command): Command {
  return command
    .addOption(new Option('--identity <file>', 'private key file (passphrase from SFTUNNEL_CA_KEY_PASSPHRASE); - reads standard input'))
    .addOption(new Option('--password-file <file>', 'file holding the password on its first line; must be mode 0600; - reads standard input'))
    .addOption(new Option('--known-hosts <file>', 'OpenSSH known_hosts file (repeatable; default ~/.ssh/known_hosts)').argParser(collect))
    .addOption(new Option('--accept-new-host-key', 'record the key of a host not yet known (a changed key is always refused)'))
    .addOption(new Option('--host-key <fingerprint>', 'pin a host key, SHA256:… as ssh-keygen -lf prints it (repeatable)').argParser(collect))
    .addOption(new Option('--strategy <strategy>', 'how to reach root: expert (FTD CLI → expert → sudo su), direct (exec), auto').choices(['auto', 'direct', 'expert']).default('auto'))
    .addOption(new Option('--jump <user@host:port>', 'jump host, like ssh -J (repeatable, in order)').argParser(collect))
    .addOption(new Option('--connect-timeout <duration>', 'connect timeout: 20s, 20000ms or milliseconds').default('20000'))
    .addOption(new Option('--login-timeout <duration>', 'deadline to reach root after login (CLI → expert → sudo); public FTD scripts wait 30 s or more').default('30s'))
    .addOption(new Option('--idle-timeout <duration>', 'give up when no expected prompt and no output come for this long during login').default('10s'))
    .addOption(new Option('--command-timeout <duration>', 'deadline of each command run on an appliance').default('60s'))
    .addOption(new Option('--prompt-settle <duration>', 'quiet time before a line counts as a prompt (banners and lectures arrive in pieces)').default('200ms'))
    .addOption(new Option('--cli-prompt <regex>', 'pattern of the restricted CLI prompt (default /^(?:\\w[\\w.-]*)?> ?$/)'))
    .addOption(new Option('--shell-prompt <regex>', 'pattern of the login user\'s shell prompt (default: admin@host:~$ and the like)'))
    .addOption(new Option('--root-prompt <regex>', 'pattern of the root prompt (default: root@host:/home/admin# and the like)'))
    .addOption(new Option('--password-prompt <regex>', 'pattern of sudo\'s password prompt (default: Password: and [sudo] password for user:)'));
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

/**
 * What every appliance of a run is reached with, whatever its credentials: host key trust, shell
 * strategy, timeouts (connect, login, idle, per command), prompt settle time and prompt patterns.
 */
export type SharedSshOptions = Required<
  Pick<SshHostOptions, 'hostKeys' | 'strategy' | 'connectTimeoutMs' | 'loginTimeoutMs' | 'idleTimeoutMs' | 'operationTimeoutMs' | 'promptSettleMs'>
> &
  Pick<SshHostOptions, 'prompts'>;

/**
 * The options shared by every appliance of a run, from the flags: host keys (strict against
 * known_hosts unless `--accept-new-host-key`, plus pinned fingerprints), shell strategy, timeout.
 */
export function sharedSshOptions(flags: SshFlags): SharedSshOptions {
  const duration = (option: string, text: string | undefined, fallback: string, least: number): number => {
    const ms = parseDurationMs(text ?? fallback);
    if (ms === undefined || ms < least) {
      throw new CliUsageError(`--${option} takes a duration such as 30s or 1500ms (a bare number is milliseconds; at least ${least} ms), got ${JSON.stringify(text)}`);
    }
    return ms;
  };
  const timeout = duration('connect-timeout', flags.connectTimeout, '20000', 100);
  const prompts: Record<string, RegExp> = {};
  for (const [flag, key] of Object.entries(PROMPT_OPTIONS)) {
    const text = flags[flag as keyof typeof PROMPT_OPTIONS];
    if (text === undefined) continue;
    const pattern = compilePromptPattern(text);
    const option = flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (pattern === undefined) throw new CliUsageError(`--${option} takes a regular expression, got one that does not compile`);
    prompts[key] = pattern;
  }
  return {
    hostKeys: {
      policy: flags.acceptNewHostKey === true ? 'accept-new' : 'strict',
      knownHostsFiles: flags.knownHosts ?? [join(homedir(), '.ssh', 'known_hosts')],
      ...(flags.hostKey === undefined ? {} : { fingerprints: flags.hostKey }),
    },
    strategy: flags.strategy ?? 'auto',
    connectTimeoutMs: timeout,
    loginTimeoutMs: duration('login-timeout', flags.loginTimeout, '30s', 100),
    idleTimeoutMs: duration('idle-timeout', flags.idleTimeout, '10s', 100),
    operationTimeoutMs: duration('command-timeout', flags.commandTimeout, '60s', 100),
    promptSettleMs: duration('prompt-settle', flags.promptSettle, '200ms', 0),
    ...(Object.keys(prompts).length === 0 ? {} : { prompts }),
  };
}

async function resolveCredentials(io: CliIo, target: SshTarget, flags: SshFlags): Promise<SshCredentials> {
  const { Secret } = await import('@sftunnel-ca/core');
  const agent = io.env.SSH_AUTH_SOCK !== undefined && io.env.SSH_AUTH_SOCK !== '';
  const privateKey = flags.identity === undefined ? undefined : new Secret(await readOwnerOnlyFile(flags.identity, '--identity', io.stdin));
  const passphrase = io.env.SFTUNNEL_CA_KEY_PASSPHRASE;
  let password: string | undefined = io.env.SFTUNNEL_CA_PASSWORD;
  if (flags.passwordFile !== undefined) password = (await readOwnerOnlyFile(flags.passwordFile, '--password-file', io.stdin)).split(/\r?\n/, 1)[0] ?? '';
  if (password === undefined && privateKey === undefined && !agent) {
    if (io.stdin.isTTY !== true) {
      throw new CliUsageError(`no credentials for ${target.username}@${target.host}: ${SAFE_SECRET_SOURCES}`);
    }
    const { askPassword } = await import('./terminal-password.js');
    password = await askPassword(io, `Password for ${target.username}@${target.host}`);
  }
  return {
    username: target.username,
    agent,
    ...(password === undefined ? {} : { password: new Secret(password) }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(passphrase === undefined || passphrase === '' ? {} : { passphrase: new Secret(passphrase) }),
  };
}
