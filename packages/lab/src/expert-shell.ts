import { Bash, defineCommand, type ExecResult, type ScriptNode } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';
import { applianceFileSystem, shellErrorMessage, type ApplianceFileSystem } from './appliance-fs.js';
import { applyLatency } from './faults.js';
import { generateCertsCommand } from './generate-certs.js';
import { dateCommand, opensslCommand } from './openssl-command.js';
import { pmtoolCommand } from './pmtool.js';
import { posixCommands } from './posix-commands.js';
import { redirectionFailurePlugin } from './redirection-failure.js';
import { ShellTraps } from './shell-traps.js';
import { terminalStderrPlugin } from './terminal-stderr.js';
import { result, type ShellIdentity, type ShellUser, type TerminalControl } from './shell-user.js';

function homeOf(user: ShellUser): string {
  return user === 'root' ? '/root' : '/home/admin';
}

/**
 * A simulated bash of one appliance (just-bash over the appliance's directory tree) for one user,
 * with the appliance's commands (`pmtool`, `sftunnel_status.pl`, `generate_certs.pl`, `openssl`,
 * `sudo`, …) and files shown as `root:root`. just-bash runs each script on its own, so this class
 * carries the working directory and variables from one script to the next, as an interactive
 * session does.
 */
export class ExpertShell {
  readonly #appliance: ApplianceRuntime;
  readonly #user: ShellUser;
  readonly #bash: Bash;
  readonly #fs: ApplianceFileSystem;
  readonly #traps = new ShellTraps();
  #cwd: string;
  #env: Record<string, string>;
  /** The last script's exit status: what `$?` says at the start of the next. */
  #status = 0;

  /**
   * @param appliance - the appliance
   * @param user - `root` or `admin` (whose shell cannot change the appliance's files)
   * @param options - the starting directory and, for an interactive session, the terminal
   */
  constructor(appliance: ApplianceRuntime, user: ShellUser, options: { readonly cwd?: string; readonly terminal?: TerminalControl; readonly env?: Record<string, string> } = {}) {
    this.#appliance = appliance;
    this.#user = user;
    this.#cwd = options.cwd ?? homeOf(user);
    const identity: ShellIdentity = {
      appliance,
      user,
      terminal: options.terminal,
      umask: { value: 0o022 },
      runAsRoot: (script, cwd, stdin) => new ExpertShell(appliance, 'root', { cwd }).run(script, stdin, { latency: false }),
    };
    const name = appliance.info.name;
    this.#env = {
      HOME: homeOf(user),
      USER: user,
      LOGNAME: user,
      SHELL: '/bin/bash',
      HOSTNAME: name,
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sf/bin',
      TERM: 'vt100',
      ...options.env,
    };
    this.#fs = applianceFileSystem(appliance, user === 'root', identity.umask, this.#env['PATH']?.split(':') ?? []);
    this.#bash = new Bash({
      // just-bash's defense-in-depth patches process-wide globals while a script runs: with many
      // shells of one process at once, one finishing drops another's pending file-system callbacks
      // and the appliance hangs for good (vercel-labs/just-bash#442). The lab runs the scripts our
      // own tests send over loopback SSH; it is a simulator, not a sandbox for untrusted code.
      defenseInDepth: false,
      fs: this.#fs,
      cwd: this.#cwd,
      env: this.#env,
      processInfo: { uid: user === 'root' ? 0 : 1000, gid: user === 'root' ? 0 : 1000 },
      customCommands: [
        ...posixCommands(identity),
        opensslCommand(identity),
        dateCommand(identity),
        pmtoolCommand(identity),
        generateCertsCommand(identity),
        defineCommand('sftunnel_status.pl', async (args) => result(appliance.services.sftunnelStatus(appliance, args[0]))),
        this.#traps.command(),
      ],
    });
    this.#bash.registerTransformPlugin(redirectionFailurePlugin);
    // On a terminal, standard output and error interleave as they were written.
    if (options.terminal !== undefined) this.#bash.registerTransformPlugin(terminalStderrPlugin);
  }

  /** The user of this shell. */
  get user(): ShellUser {
    return this.#user;
  }

  /** The working directory now. */
  get cwd(): string {
    return this.#cwd;
  }

  /** The shell's variables now (what `PS1`, `PS2` and `HOME` are). */
  get env(): Readonly<Record<string, string>> {
    return this.#env;
  }

  /**
   * Runs a script (one line or many, heredocs included) and keeps its working directory, variables
   * and exit status (`$?`) for the next. A redirection that cannot write (a full disk) fails only its own
   * command, as in bash; a file-system error that still escapes just-bash is reported as bash
   * would, with status 1.
   *
   * @param script - the script
   * @param stdin - its standard input
   * @param options - `latency: false` to skip the `latencyMs` fault (nested calls); `ast`: the script
   *   already parsed (`parse(script)`), run as is instead of parsing the script again
   */
  async run(script: string, stdin = '', options: { readonly latency?: boolean; readonly ast?: ScriptNode | undefined } = {}): Promise<ExecResult> {
    if (options.latency !== false) await applyLatency(this.#appliance.faults);
    try {
      // just-bash starts each script with `$?` at 0: a subshell's exit sets it to the last status.
      const carried = this.#status === 0 ? script : `(exit ${this.#status})\n${script}`;
      const ast = this.#status === 0 ? options.ast : undefined;
      // While this script runs, a directory its path checks found real is not checked again at each
      // path below it (the FMC's symlink guard checks every level of a thousand paths); the next
      // script checks afresh (a test may plant a link between two commands).
      this.#fs.verifiedDirectories = new Set();
      const outcome = await this.#bash
        .exec(carried, { cwd: this.#cwd, env: this.#env, replaceEnv: true, stdin, rawScript: true, ...(ast === undefined ? {} : { ast }) })
        .finally(() => {
          this.#fs.verifiedDirectories = undefined;
        });
      this.#env = { ...outcome.env };
      this.#cwd = outcome.env['PWD'] ?? this.#cwd;
      this.#status = outcome.exitCode;
      return { stdout: outcome.stdout, stderr: outcome.stderr, exitCode: outcome.exitCode };
    } catch (error) {
      this.#status = 1;
      const message = shellErrorMessage(error);
      if (message === undefined) return result('', `bash: ${(error as Error).message}\n`, 1);
      return result('', message, 1);
    }
  }

  /**
   * Ends the shell as bash does when its terminal hangs up (SIGHUP: the SSH connection closed):
   * runs its HUP trap, then its EXIT trap (see {@link ShellTraps}).
   */
  async hangUp(): Promise<void> {
    for (const action of this.#traps.onHangUp()) await this.run(action, '', { latency: false });
  }

  /** Ends the shell as `exit` does: runs its EXIT trap. */
  async exit(): Promise<void> {
    for (const action of this.#traps.onExit()) await this.run(action, '', { latency: false });
  }

  /** Changes the working directory (as `cd` would, without checks). */
  chdir(path: string): void {
    this.#cwd = path;
    this.#env = { ...this.#env, PWD: path };
  }
}
