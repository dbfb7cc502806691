import type { CommandChannel } from './command-channel.js';
import { connectSsh, type ConnectOptions, type SshEndpoint, type SshConnection } from './connect.js';
import { DirectShell } from './direct-shell.js';
import type { EscalationCommand, ExpertPrompts } from './expert-escalation.js';
import { ExpertShell } from './expert-shell.js';
import { PosixHost, type PosixHostOptions } from './posix-host.js';
import { DEFAULT_SCRATCH_PARENT, NO_STALE_SCRATCH, checkScratchParent, type StaleScratch } from './session-scratch.js';
import { SftunnelCaError, type Secret } from '@sftunnel-ca/core';

/**
 * How commands reach root on the appliance:
 * - `direct`: exec channels as the login user (root on an FMC or a Linux jump server), or
 *   through `sudo -n` with {@link SshHostOptions.sudo};
 * - `expert`: the interactive CLI → `expert` → `sudo su` shell of an FTD;
 * - `auto`: one interactive shell: from the CLI (`> `) as `expert`; from a shell of the login
 *   user (an FMC 6.0–6.2, or one whose CLI is disabled, lands in bash) with `sudo su` as after
 *   `expert`; from a root prompt, or with {@link SshHostOptions.sudo} from any plain shell, by
 *   exec channels (`direct`).
 *
 * Whatever the strategy, a session is returned only once `id -u` says 0; otherwise connecting
 * fails with `ESCALATION_FAILED`, saying what was seen and what to do.
 */
export type ShellStrategy = 'direct' | 'expert' | 'auto';

/** Everything {@link SshHost.connect} needs. Secrets are `Secret`s (core), so logging this object leaks nothing. */
export interface SshHostOptions extends SshEndpoint, ConnectOptions, PosixHostOptions {
  /** Default `auto`. */
  readonly strategy?: ShellStrategy;
  /**
   * `direct`, and `auto` from a plain shell: run commands over exec channels through `sudo -n`
   * (passwordless sudo); default `false`.
   */
  readonly sudo?: boolean;
  /** `expert` only: the password sudo asks for; default the endpoint's `password`. */
  readonly sudoPassword?: Secret;
  /** `expert` only: `sudo su` (default), `sudo su -` or `sudo -i`. */
  readonly escalation?: EscalationCommand;
  /** `expert` and `auto`: prompt patterns to override. */
  readonly prompts?: Partial<ExpertPrompts>;
  /**
   * `expert` and `auto`: deadline for reaching root after login; default `30000` (public FTD
   * scripts wait 30 s or more for a login).
   */
  readonly loginTimeoutMs?: number;
  /** `expert` and `auto`: give up when no expected prompt and no output come for this long; default `10000`. */
  readonly idleTimeoutMs?: number;
  /**
   * `expert` and `auto`: how long the output must be quiet before its last line counts as a
   * prompt; default `200`.
   */
  readonly promptSettleMs?: number;
  /**
   * `expert` only: the appliance directory in which the session makes its private scratch
   * directory (`.sftunnel-ca.XXXXXXXX`, mode 0700) and where stale ones of earlier sessions are
   * looked for at login; an absolute path of letters, digits and `. _ - /`; default `/tmp`.
   */
  readonly scratchParent?: string;
}

/**
 * The `Host` interface over SSH: an FTD through its CLI and expert shell, or an FMC or
 * jump server by exec. Passwords are used to log in and escalate, then dropped: the host
 * object holds none.
 *
 * @example
 * ```ts
 * const ftd = await SshHost.connect({
 *   name: 'ftd-01',
 *   host: '192.0.2.21',
 *   username: 'admin',
 *   password: new Secret(process.env.FTD_PASSWORD ?? ''),
 *   strategy: 'expert',
 *   hostKeys: { knownHostsFiles: ['/etc/sftunnel-ca/known_hosts'] },
 * });
 * try {
 *   await ftd.writeFileAtomic(`/var/sf/peers/${fmcUuid}/cacert.pem`, pem, { backup: true });
 * } finally {
 *   await ftd.close();
 * }
 * ```
 */
export class SshHost extends PosixHost {
  /** The strategy in use (`auto` resolved). */
  readonly strategy: 'direct' | 'expert';
  /**
   * Scratch directories that earlier sessions left on the appliance (a killed run, a dropped
   * connection), found stale at login and removed (also sent as a `stale-scratch` event). Always
   * empty for `direct`, which makes none.
   */
  readonly staleScratch: StaleScratch;

  private constructor(name: string, channel: CommandChannel, strategy: 'direct' | 'expert', options: PosixHostOptions) {
    super(name, channel, options);
    this.strategy = strategy;
    this.staleScratch = channel instanceof ExpertShell ? channel.staleScratch : NO_STALE_SCRATCH;
  }

  /**
   * Connects, logs in, and (for `expert`) escalates to root.
   *
   * @throws SftunnelCaError `CONNECT_TIMEOUT`, `CONNECT_REFUSED`, `AUTH_FAILED`,
   * `HOST_KEY_UNKNOWN`, `HOST_KEY_MISMATCH`, `ESCALATION_FAILED`, `CONNECTION_LOST`,
   * `OPERATION_ABORTED`, `INVALID_ARGUMENT` (a bad {@link SshHostOptions.scratchParent})
   *
   * @example
   * ```ts
   * // An FMC: admin lands in the CLI, then expert and sudo su; the host key must be in known_hosts.
   * const fmc = await SshHost.connect({
   *   host: 'fmc.example.net',
   *   username: 'admin',
   *   password: new Secret(process.env.SFTUNNEL_CA_PASSWORD ?? ''),
   *   strategy: 'auto',
   *   hostKeys: { knownHostsFiles: ['/home/ops/.ssh/known_hosts'] },
   *   connectTimeoutMs: 10_000,
   * });
   * const inspection = await inspectFmc(fmc, { now: new Date() });
   * await fmc.close();
   * ```
   */
  static async connect(options: SshHostOptions): Promise<SshHost> {
    const name = options.name ?? options.host;
    const scratchParent = checkScratchParent(options.scratchParent ?? DEFAULT_SCRATCH_PARENT, name);
    const connection = await connectSsh(options, { ...options, name });
    const hostOptions: PosixHostOptions = {
      ...(options.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: options.operationTimeoutMs }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.random === undefined ? {} : { random: options.random }),
    };
    try {
      const { channel, strategy } = await openChannel(connection, { ...options, scratchParent });
      options.onEvent?.({ type: 'strategy', host: name, strategy });
      return new SshHost(name, channel, strategy, hostOptions);
    } catch (error) {
      connection.close();
      throw error;
    }
  }
}

async function openChannel(
  connection: SshConnection,
  options: SshHostOptions,
): Promise<{ readonly channel: CommandChannel; readonly strategy: 'direct' | 'expert' }> {
  const strategy = options.strategy ?? 'auto';
  if (strategy === 'direct') return { channel: await checkedDirect(connection, options, 'direct'), strategy };
  const password = options.sudoPassword ?? options.password;
  const shell = await ExpertShell.open(connection, {
    ...(password === undefined ? {} : { password }),
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
    ...(options.prompts === undefined ? {} : { prompts: options.prompts }),
    ...(options.loginTimeoutMs === undefined ? {} : { loginTimeoutMs: options.loginTimeoutMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.scratchParent === undefined ? {} : { scratchParent: options.scratchParent }),
    ...(options.promptSettleMs === undefined ? {} : { promptSettleMs: options.promptSettleMs }),
    onlyFromCli: strategy === 'auto' && options.sudo === true,
    directFromRoot: strategy === 'auto',
  });
  if (shell === undefined) return { channel: await checkedDirect(connection, options, 'auto'), strategy: 'direct' };
  return { channel: shell, strategy: 'expert' };
}

/**
 * Exec channels, once `id -u` over one of them says 0.
 *
 * @throws SftunnelCaError `ESCALATION_FAILED` when the commands would not run as root
 */
async function checkedDirect(connection: SshConnection, options: SshHostOptions, strategy: ShellStrategy): Promise<DirectShell> {
  const sudo = options.sudo === true;
  const channel = new DirectShell(connection, { sudo });
  const id = await channel.exec('id -u', { step: 'check-root', timeoutMs: options.operationTimeoutMs ?? 30_000, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const uid = id.stdout.toString('utf8').trim();
  if (id.code === 0 && uid === '0') return channel;
  const seen =
    id.code === 0
      ? `\`id -u\` printed ${JSON.stringify(uid)}, not 0`
      : `\`${sudo ? 'sudo -n id -u' : 'id -u'}\` failed (exit ${id.code}: ${JSON.stringify(id.stderr.toString('utf8').trim().split('\n').at(-1) ?? '')})`;
  const remedy = sudo
    ? 'give the user passwordless sudo, or use --strategy auto or expert without sudo (sudo su from the login shell, answering the password)'
    : 'use --strategy auto or expert (sudo su from the login shell), log in as root, or use passwordless sudo (sudo: true)';
  throw new SftunnelCaError(
    'ESCALATION_FAILED',
    `strategy ${strategy}${sudo ? ' with sudo -n' : ''} as ${options.username} is not root: ${seen}; the session would run unprivileged. To fix: ${remedy}`,
    { host: connection.name, step: 'check-root' },
  );
}
