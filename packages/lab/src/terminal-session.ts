import { posix } from 'node:path';
import { parse, type ScriptNode } from 'just-bash';
import type { ApplianceRuntime } from './appliance.js';
import { cliBanner, interpretCliLine } from './cli-shell.js';
import { ExpertShell } from './expert-shell.js';
import { applyLatency } from './faults.js';
import { EXPERT_NOTICE, labProfile, PROFILE_PASSWORD_PROMPT, profileBanner, SUDO_LECTURE, type LabProfile } from './lab-profile.js';
import type { TerminalControl } from './shell-user.js';

/** Where a terminal session writes, and how it ends. */
export interface TerminalChannel {
  /** Sends output to the client. */
  write(text: string): void;
  /** Ends the session with an exit status. */
  close(status: number): void;
}

interface Waiter {
  readonly secret: boolean;
  resolve(line: string | undefined): void;
}

const SUDO_TO_ROOT = /^(?:sudo\s+(?:su(?:\s+(-|root|-\s+root))?|-i|-s|bash|su\s+-l)|su(?:\s+(-|root|-\s+root))?)$/;

/**
 * just-bash's default `executionLimits.maxHeredocSize`, with which its `exec` parses a script: the
 * lab's shells parse what is typed with the same limit, and run that parse.
 */
const MAX_HEREDOC_SIZE = 64 * 1024 * 1024;

/**
 * A script typed so far: incomplete (an open heredoc, quote, block or a trailing `\`, `|`, `&&`:
 * it needs more lines), or complete, with its syntax tree when it parses (one that does not is run
 * all the same, for bash's syntax error).
 */
export type TypedScript = { readonly complete: false } | { readonly complete: true; readonly ast: ScriptNode | undefined };

/** The heredocs that the lines typed so far leave open, followed a line at a time. */
export class OpenHeredocs {
  readonly #open: { word: string; tabs: boolean }[] = [];

  /** Whether one is still open (the script needs more lines). */
  get any(): boolean {
    return this.#open.length > 0;
  }

  /** Takes the next line: it ends the first open heredoc, or may open heredocs. */
  add(line: string): void {
    const first = this.#open[0];
    if (first !== undefined) {
      if ((first.tabs ? line.replace(/^\t+/, '') : line) === first.word) this.#open.shift();
      return;
    }
    for (const match of line.matchAll(/(?<!<)<<(-?)\s*(['"]?)([A-Za-z_][\w]*)\2/g)) this.#open.push({ word: match[3] ?? '', tabs: match[1] === '-' });
  }
}

/**
 * Parses a script typed so far once: whether it needs more lines and, when it does not, the tree
 * the shell then runs (a 10 KB frame of the transport was parsed twice before).
 *
 * @param script - the lines typed so far, joined with `\n`
 * @param heredocs - what those lines leave open, when the caller followed it line by line (else scanned here)
 */
export function typedScript(script: string, heredocs?: OpenHeredocs): TypedScript {
  let open = heredocs;
  if (open === undefined) {
    open = new OpenHeredocs();
    for (const line of script.split('\n')) open.add(line);
  }
  if (open.any) return { complete: false };
  const last = script.trimEnd();
  if (/\\$/.test(script) || /(\|\||&&|\|)$/.test(last)) return { complete: false };
  try {
    return { complete: true, ast: parse(script, { maxHeredocSize: MAX_HEREDOC_SIZE }) };
  } catch (error) {
    return /EOF|end of (file|input)/i.test((error as Error).message) ? { complete: false } : { complete: true, ast: undefined };
  }
}

/** Whether a script typed so far needs more lines (see {@link typedScript}). */
export function needsMoreLines(script: string): boolean {
  return !typedScript(script).complete;
}

/**
 * One interactive SSH session of an appliance, as its console behaves: the restricted CLI (`> `)
 * → `expert` → `admin@<name>:~$` → `sudo su` → `Password:` → `root@<name>:/home/admin#`, with
 * terminal echo and line editing (backspace, Ctrl-C, Ctrl-D), `stty -echo`, `PS1`/`PS2`, multi-line
 * input (heredocs, open quotes), and the interactive `generate_certs.pl` on an FMC.
 */
export class TerminalSession implements TerminalControl {
  readonly #appliance: ApplianceRuntime;
  readonly #channel: TerminalChannel;
  /** The shells entered, innermost last; empty while in the CLI. */
  readonly #shells: ExpertShell[] = [];
  #inCli: boolean;
  #echo: boolean;
  #onlcr: boolean;
  #input = '';
  #line = '';
  #pending: string[] = [];
  /** The heredocs the pending lines leave open. */
  #heredocs = new OpenHeredocs();
  #busy = false;
  /** The line being handled, settled when it is. */
  #running: Promise<void> = Promise.resolve();
  #hangingUp: Promise<void> | undefined;
  #closed = false;
  #lastWasCr = false;
  #waiter: Waiter | undefined;
  /** Output queued for the channel, written once the current turn of the event loop is done. */
  #unsent = '';

  /**
   * @param appliance - the appliance
   * @param channel - the SSH channel (or any sink)
   * @param options - `pty`: whether the client asked for a terminal (echo and `\r\n` on); `user: 'root'` for a direct root login
   */
  constructor(appliance: ApplianceRuntime, channel: TerminalChannel, options: { readonly pty: boolean; readonly user?: 'root' | 'admin' }) {
    this.#appliance = appliance;
    this.#channel = channel;
    this.#echo = options.pty;
    this.#onlcr = options.pty;
    this.#root = options.user === 'root';
    this.#inCli = !this.#root && appliance.info.loginShell === 'cli';
    this.#profile = appliance.info.profile === undefined ? undefined : labProfile(appliance.info.profile);
  }

  readonly #root: boolean;
  /** The release reproduced, if any. */
  readonly #profile: LabProfile | undefined;
  /** Whether sudo has lectured in this session. */
  #lectured = false;
  /** Which shells were entered as login shells (`exit` prints `logout`), by depth. */
  readonly #loginShells: boolean[] = [];

  /** Shows the banner and the first prompt. */
  start(): void {
    const profile = this.#profile;
    if (profile !== undefined && !this.#root) {
      const runtime = this.#appliance;
      runtime.successfulLogins = (runtime.successfulLogins ?? 0) + 1;
      const now = runtime.services.clock.now();
      this.#out(profileBanner(profile, { lastLogin: new Date(now.getTime() - 3_600_000), from: '127.0.0.1', attempts: runtime.successfulLogins }));
    } else if (this.#inCli) this.#out(cliBanner(this.#appliance));
    if (!this.#inCli) {
      this.#shells.push(this.#root ? this.#newShell('root', '/root') : this.#newShell('admin'));
      this.#loginShells.push(true);
    }
    this.#prompt();
  }

  /** @inheritDoc */
  setEcho(on: boolean): void {
    this.#echo = on;
  }

  /** @inheritDoc */
  setOutputNewlines(on: boolean): void {
    this.#onlcr = on;
  }

  /** Feeds what the client typed. */
  feed(data: string): void {
    this.#input += data;
    this.#pump();
  }

  /**
   * Stops the session (the channel closed): its terminal hangs up. Once the command running, if
   * any, has finished (a real one dies of the SIGHUP; the lab's runs to its end), each shell still
   * open, innermost first, runs its HUP and EXIT traps, as bash does on SIGHUP.
   *
   * @returns when the shells have ended
   */
  dispose(): Promise<void> {
    if (!this.#closed || this.#hangingUp === undefined) {
      this.#closed = true;
      this.#waiter?.resolve(undefined);
      this.#waiter = undefined;
      this.#hangingUp ??= this.#running.then(async () => {
        for (const shell of this.#shells.splice(0).reverse()) await shell.hangUp().catch(() => undefined);
      });
    }
    return this.#hangingUp;
  }

  #newShell(user: 'root' | 'admin', cwd?: string): ExpertShell {
    return new ExpertShell(this.#appliance, user, { terminal: this, ...(cwd === undefined ? {} : { cwd }) });
  }

  /**
   * Queues output; what one turn of the event loop writes (each echoed key of a line typed at once,
   * a prompt after its output) goes to the channel as one write, so one SSH packet, not one a character.
   */
  #out(text: string): void {
    if (this.#closed || text === '') return;
    const pending = this.#unsent;
    this.#unsent += this.#onlcr ? text.replace(/\r?\n/g, '\r\n') : text;
    if (pending === '') queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const text = this.#unsent;
    this.#unsent = '';
    if (!this.#closed && text !== '') this.#channel.write(text);
  }

  #pump(): void {
    while (!this.#closed && this.#input.length > 0 && (!this.#busy || this.#waiter !== undefined)) {
      if (this.#input.startsWith('\x1b')) {
        const sequence = /^\x1b(?:\[[0-9;?]*[A-Za-z~]|O[A-Za-z]|[^[O])?/.exec(this.#input)?.[0] ?? '\x1b';
        this.#input = this.#input.slice(sequence.length);
        continue;
      }
      const ch = this.#input[0] ?? '';
      this.#input = this.#input.slice(1);
      if (ch === '\n' && this.#lastWasCr) {
        this.#lastWasCr = false;
        continue;
      }
      this.#lastWasCr = ch === '\r';
      const secret = this.#waiter?.secret === true;
      if (ch === '\r' || ch === '\n') {
        const line = this.#line;
        this.#line = '';
        if (this.#echo || secret) this.#out('\n');
        this.#lineDone(line);
      } else if (ch === '\x03') {
        this.#line = '';
        this.#out('^C\n');
        if (this.#waiter !== undefined) this.#answer(undefined);
        else if (!this.#busy) {
          this.#pending = [];
          this.#heredocs = new OpenHeredocs();
          this.#prompt();
        }
      } else if (ch === '\x04') {
        if (this.#line !== '') continue;
        if (this.#waiter !== undefined) this.#answer(undefined);
        else if (!this.#busy) this.#lineDone('exit', true);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.#line === '') continue;
        this.#line = this.#line.slice(0, -1);
        if (this.#echo && !secret) this.#out('\b \b');
      } else if (ch === '\x15') {
        if (this.#echo && !secret) this.#out('\b \b'.repeat(this.#line.length));
        this.#line = '';
      } else if (ch >= ' ') {
        this.#line += ch;
        if (this.#echo && !secret) this.#out(ch);
      }
    }
  }

  #answer(line: string | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(line);
  }

  #lineDone(line: string, eof = false): void {
    if (this.#waiter !== undefined) {
      this.#answer(line);
      return;
    }
    if (eof && this.#echo) this.#out('exit\n');
    this.#busy = true;
    this.#running = this.#handle(line)
      .catch((error: unknown) => this.#out(`bash: ${(error as Error).message}\n`))
      .finally(() => {
        this.#busy = false;
        this.#pump();
      });
  }

  #readLine(secret: boolean): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.#waiter = { secret, resolve };
      queueMicrotask(() => this.#pump());
    });
  }

  #promptText(): string {
    const shell = this.#shells.at(-1);
    if (shell === undefined) return '> ';
    if (this.#pending.length > 0) return shell.env['PS2'] ?? '> ';
    const name = this.#appliance.info.name;
    const home = shell.env['HOME'] ?? '';
    const cwd = shell.cwd;
    const tilde = home !== '' && (cwd === home || cwd.startsWith(`${home}/`)) ? `~${cwd.slice(home.length)}` : cwd;
    const mark = shell.user === 'root' ? '#' : '$';
    const ps1 = shell.env['PS1'];
    if (ps1 === undefined) return `${shell.user}@${name}:${tilde}${mark} `;
    return ps1.replace(/\\([uhHwW$n\\[\]])/g, (_all, c: string) =>
      c === 'u' ? shell.user
      : c === 'h' || c === 'H' ? name
      : c === 'w' ? tilde
      : c === 'W' ? posix.basename(cwd) || '/'
      : c === '$' ? mark
      : c === 'n' ? '\n'
      : c === '\\' ? '\\'
      : '',
    );
  }

  #prompt(): void {
    this.#out(this.#promptText());
  }

  async #handle(line: string): Promise<void> {
    const shell = this.#shells.at(-1);
    if (shell === undefined) {
      await applyLatency(this.#appliance.faults);
      const outcome = interpretCliLine(this.#appliance, line);
      if (outcome.kind === 'exit') return this.#leave(0, true);
      if (outcome.kind === 'expert') {
        if (this.#profile?.expertNotice === true) this.#out(EXPERT_NOTICE);
        this.#shells.push(this.#newShell('admin', this.#profile?.expertCwd));
        this.#loginShells.push(true);
      } else this.#out(outcome.text);
      return this.#prompt();
    }
    this.#pending.push(line);
    // A heredoc's body (a frame's base64, line after line) is only followed: no join, no scan of what came before.
    this.#heredocs.add(line);
    if (this.#heredocs.any) return this.#prompt();
    const script = this.#pending.join('\n');
    const typed = typedScript(script, this.#heredocs);
    if (!typed.complete) return this.#prompt();
    this.#pending = [];
    this.#heredocs = new OpenHeredocs();
    const command = script.trim();
    const exit = /^(?:exit|logout)(?:\s+(\d+))?$/.exec(command);
    if (exit !== null) return this.#leave(Number(exit[1] ?? 0));
    const sudo = SUDO_TO_ROOT.exec(command);
    if (sudo !== null) return this.#becomeRoot(shell, /(?:^|\s)-(?:\s|$)|\s-[il]$/.test(command));
    if (shell.user === 'root' && this.#appliance.info.role === 'fmc' && /^(?:\S*\/)?generate_certs\.pl$/.test(command)) {
      await applyLatency(this.#appliance.faults);
      await this.#appliance.services.generateCerts(this.#appliance, { write: (text) => this.#out(text), readLine: () => this.#readLine(false) });
      return this.#prompt();
    }
    const outcome = await shell.run(script, '', { ast: typed.ast });
    this.#out(outcome.stdout);
    this.#out(outcome.stderr);
    this.#prompt();
  }

  async #becomeRoot(shell: ExpertShell, login: boolean): Promise<void> {
    // `sudo su` is a shell line like any other: the `latencyMs` fault delays it (and, below, the password check).
    await applyLatency(this.#appliance.faults);
    const profile = this.#profile;
    const cwd = login ? '/root' : (profile?.rootCwd ?? shell.cwd);
    if (shell.user !== 'root') {
      let accepted = false;
      if (profile?.sudoLecture === true && !this.#lectured) {
        this.#lectured = true;
        this.#out(SUDO_LECTURE);
      }
      for (let attempt = 0; attempt < 3 && !accepted; attempt++) {
        this.#out(profile === undefined ? 'Password:' : PROFILE_PASSWORD_PROMPT);
        const answer = await this.#readLine(true);
        if (answer === undefined) return this.#prompt();
        await applyLatency(this.#appliance.faults);
        accepted = answer === this.#appliance.info.password;
        if (!accepted) this.#out('Sorry, try again.\n');
      }
      if (!accepted) {
        this.#out('sudo: 3 incorrect password attempts\n');
        return this.#prompt();
      }
    }
    this.#shells.push(this.#newShell('root', cwd));
    this.#loginShells.push(login);
    this.#prompt();
  }

  async #leave(status: number, fromCli = false): Promise<void> {
    if (!fromCli) {
      await this.#shells.pop()?.exit();
      // bash says `logout` when a login shell exits (the expert shell, `sudo su -`), `exit` otherwise.
      if (this.#profile !== undefined) this.#out(this.#loginShells.pop() === true ? 'logout\n' : 'exit\n');
    }
    if (fromCli || (this.#shells.length === 0 && !this.#inCli)) {
      this.#flush();
      this.#closed = true;
      this.#channel.close(status);
      return;
    }
    this.#prompt();
  }
}
