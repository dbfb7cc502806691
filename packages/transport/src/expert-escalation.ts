import { DEFAULT_SCRATCH_PARENT, scratchSetupCommands } from './session-scratch.js';
import { stripAnsi } from './strip-ansi.js';

/**
 * Prompt patterns of the appliance's login shells, each matched against the last line of
 * output after ANSI codes and carriage returns are stripped.
 */
export interface ExpertPrompts {
  /** The restricted CLI (CLISH): `> `. */
  readonly cli: RegExp;
  /** The expert shell as the login user: `admin@firepower:~$ `. */
  readonly user: RegExp;
  /** A root shell: `root@firepower:/home/admin# `. */
  readonly root: RegExp;
  /** sudo's or su's password prompt: `Password:`, `[sudo] password for admin: `. */
  readonly password: RegExp;
}

/** The defaults of {@link ExpertPrompts}. */
export const DEFAULT_EXPERT_PROMPTS: ExpertPrompts = {
  // `> `, `firepower> `: a bare `>` or a name before it, never `-->` or `>>>`.
  cli: /^(?:\w[\w.-]*)?> ?$/,
  // `admin@firepower:~$ `, `bash-4.2$ `, `[admin@fmc ~]$ `: never a line of `$` signs.
  user: /^(?:\[[^\]\n]*\]|\S*[\w~/)\]])\$ ?$/,
  // `root@firepower:/home/admin# `, `root@ftd:/# `, `bash-4.2# `: never `#####` or a bare `#`.
  root: /^(?:\[[^\]\n]*\]|\S*[\w~/)\]])# ?$/,
  password: /[Pp]assword(?: for [^:]*)? ?: ?$/,
};

/**
 * How long the output must be quiet before its last line counts as a prompt, by default: long
 * enough that a banner, sudo's lecture or the NOTICE block arriving in several packets is not
 * mistaken for one, short enough to cost little per login step.
 */
export const DEFAULT_PROMPT_SETTLE_MS = 200;

/** How to go from the expert shell to root. */
export type EscalationCommand = 'sudo su' | 'sudo su -' | 'sudo -i';

/** Parameters of {@link ExpertEscalation}. */
export interface ExpertEscalationParams {
  /** A random word unique to this session, pinned into `PS1`. Letters and digits only. */
  readonly nonce: string;
  /** Default `sudo su`. */
  readonly escalation?: EscalationCommand;
  /** Default {@link DEFAULT_EXPERT_PROMPTS}; give some to override them. */
  readonly prompts?: Partial<ExpertPrompts>;
  /**
   * Stop (with `not-cli`) at a first prompt that is not the CLI, as the `auto` strategy with
   * passwordless sudo over exec channels does; default `false`.
   */
  readonly onlyFromCli?: boolean;
  /**
   * Stop (with `not-cli`) at a first prompt that is already root, as the `auto` strategy does
   * (exec channels are root there too); a first prompt of the login user escalates with sudo
   * as after `expert`. Default `false`.
   */
  readonly directFromRoot?: boolean;
  /**
   * The directory in which the session makes its scratch directory (an absolute path of plain
   * characters, already checked); default `/tmp`.
   */
  readonly scratchParent?: string;
}

/** The state of the login: where the shell is now. */
export type EscalationState = 'start' | 'expert' | 'sudo' | 'pinning' | 'ready' | 'failed';

/** Why the escalation failed. */
export type EscalationFailure =
  | 'password-change-required'
  | 'expert-not-permitted'
  | 'wrong-password'
  | 'sudo-refused'
  | 'no-password'
  | 'unexpected-prompt'
  | 'eula'
  | 'pager';

/** What the driver must do next, from {@link ExpertEscalation.feed}. */
export type EscalationAction =
  | {
      /** Nothing to do until more output comes. */
      readonly kind: 'wait';
    }
  | {
      /** Write `text` to the shell. */
      readonly kind: 'send';
      /** The line to write, newline included. */
      readonly text: string;
    }
  | {
      /** Write the password and a newline (the machine never holds it). */
      readonly kind: 'send-password';
    }
  | {
      /** The pinned root prompt is up: commands can be framed. */
      readonly kind: 'ready';
    }
  | {
      /** The first prompt was a plain shell (with `onlyFromCli`): use the `direct` strategy. */
      readonly kind: 'not-cli';
      /** Which prompt it was. */
      readonly prompt: 'user' | 'root';
    }
  | {
      /** The login cannot go on. */
      readonly kind: 'fail';
      /** Why. */
      readonly reason: EscalationFailure;
      /** The last lines of output, for the message. */
      readonly detail: string;
    };

const PASSWORD_CHANGE =
  /required to change your password|password change required|password has expired|must change your password|\(current\) UNIX password|Current password:|New password:/i;
const WRONG_PASSWORD = /Sorry, try again\.|Authentication failure|incorrect password attempt/i;
const SUDO_REFUSED = /is not in the sudoers file|is not allowed to execute|may not run sudo/i;
const EULA = /End User License Agreement|\bEULA\b/i;
const PAGER = /--\s?More\s?--|\(END\)$|^:$|Press (?:any key|<?(?:ENTER|RETURN|SPACE)>?) to (?:continue|display)/i;
const BROADCAST = /^(?:Broadcast message|Message) from \S/;

/**
 * Removes `wall`/`write` broadcasts (a header line, a blank line, the message, a blank line) so
 * that a prompt shown before one still counts.
 */
function withoutBroadcasts(text: string): string {
  if (!/(?:^|\n)(?:Broadcast message|Message) from \S/.test(text)) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!BROADCAST.test(lines[i] ?? '')) {
      kept.push(lines[i] ?? '');
      continue;
    }
    i++;
    while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
    while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
  }
  // The prompt before the broadcast is the last line again.
  while (kept.length > 1 && (kept.at(-1) ?? '').trim() === '') kept.pop();
  return kept.join('\n');
}

/**
 * The login state machine of an appliance shell, without I/O (fed output, answers with what
 * to send): login → CLI `> ` → `expert` → `admin@…:~$` → `sudo su` → `Password:` → root `#`
 * → a pinned prompt. It can start at any of these (an FMC lands in bash, a root login in `#`).
 * A prompt counts only when the output has gone quiet: {@link ExpertEscalation.feed} takes
 * output, {@link ExpertEscalation.quiet} is called by the driver once no output came for the
 * settle time ({@link DEFAULT_PROMPT_SETTLE_MS}), and only then is the last line (ANSI codes
 * stripped) matched against the patterns the state expects. So banner and MOTD lines with `#`,
 * `>` or `$`, the NOTICE block and sudo's lecture split across packets are never taken for
 * prompts, and `wall` broadcasts after a prompt are ignored. A forced password change, `expert`
 * refused, a wrong sudo password (`Sorry, try again.`), sudo refusals, a first-login EULA and a
 * pager (`--More--`) are recognised and reported, never answered.
 *
 * @example
 * ```ts
 * const machine = new ExpertEscalation({ nonce: 'a1b2c3' });
 * machine.feed('Copyright 2004-2024, Cisco\n> '); // { kind: 'wait' }
 * machine.quiet(); // { kind: 'send', text: 'expert\n' }
 * ```
 */
export class ExpertEscalation {
  readonly #prompts: ExpertPrompts;
  readonly #escalation: EscalationCommand;
  readonly #nonce: string;
  readonly #onlyFromCli: boolean;
  readonly #directFromRoot: boolean;
  readonly #pinned: RegExp;
  readonly #scratchParent: string;
  #state: EscalationState = 'start';
  #failedFrom: EscalationState = 'start';
  #buffer = '';
  #passwordSent = false;
  #banner: string | undefined;

  /** @param params - the session's nonce and the prompts to expect */
  constructor(params: ExpertEscalationParams) {
    if (!/^[A-Za-z0-9]+$/.test(params.nonce)) throw new TypeError('the nonce must be letters and digits');
    this.#prompts = { ...DEFAULT_EXPERT_PROMPTS, ...params.prompts };
    this.#escalation = params.escalation ?? 'sudo su';
    this.#nonce = params.nonce;
    this.#onlyFromCli = params.onlyFromCli === true;
    this.#directFromRoot = params.directFromRoot === true;
    this.#scratchParent = params.scratchParent ?? DEFAULT_SCRATCH_PARENT;
    this.#pinned = new RegExp(`^SFTCA${params.nonce}(?:#|\\\\\\$) ?$`);
  }

  /** Where the shell is now. */
  get state(): EscalationState {
    return this.#state;
  }

  /** The text shown before the first prompt (banner, MOTD), once a prompt was seen. */
  get banner(): string | undefined {
    return this.#banner;
  }

  /** The output seen since the last thing sent, ANSI-stripped (for error messages). */
  get pending(): string {
    return this.#buffer;
  }

  /** The last non-blank line of output since the last thing sent (for error messages); `''` if none. */
  get lastLine(): string {
    return (
      this.#buffer
        .split('\n')
        .reverse()
        .find((line) => line.trim() !== '') ?? ''
    );
  }

  /** What the machine is waiting for, in words (for error messages). */
  get awaiting(): string {
    switch (this.#state === 'failed' ? this.#failedFrom : this.#state) {
      case 'start':
        return 'the first prompt after login (CLI `>`, shell `$` or root `#`)';
      case 'expert':
        return 'the expert shell prompt after `expert`';
      case 'sudo':
        return `sudo's password prompt or the root prompt after \`${this.#escalation}\``;
      case 'pinning':
        return 'the pinned root prompt after the set-up line';
      default:
        return 'nothing';
    }
  }

  /**
   * The line sent once root: pins `PS1` to a prompt made of the nonce, turns off echo,
   * line editing and history, sets `PAGER=cat` and `LC_ALL=C`, and makes the session's private
   * scratch directory `$__sftca_d` under `umask 077` (see `session-scratch.ts`). Commands run
   * with `umask 022`, as before, so what the appliance's own tools create is unchanged.
   */
  get setupCommand(): string {
    return [
      'set +o emacs +o vi 2>/dev/null',
      'stty -echo -onlcr 2>/dev/null',
      'unset HISTFILE PROMPT_COMMAND',
      'export PAGER=cat SYSTEMD_PAGER=cat LC_ALL=C TERM=dumb',
      ...scratchSetupCommands(this.#scratchParent),
      "PS2=''",
      `PS1='SFTCA${this.#nonce}\\$ '\n`,
    ].join('; ');
  }

  /**
   * Feeds a chunk of terminal output. Returns at once only what cannot wait (a forced password
   * change, a wrong password, a sudo refusal, the pinned prompt); prompts are decided by
   * {@link ExpertEscalation.quiet}.
   */
  feed(chunk: string): EscalationAction {
    if (this.#state === 'ready' || this.#state === 'failed') return { kind: 'wait' };
    this.#buffer += stripAnsi(chunk);
    const text = this.#buffer;
    if (PASSWORD_CHANGE.test(text)) return this.#fail('password-change-required', text);
    if (this.#state === 'sudo') {
      if (WRONG_PASSWORD.test(text)) return this.#fail('wrong-password', text);
      if (SUDO_REFUSED.test(text)) return this.#fail('sudo-refused', text);
    }
    if (this.#state === 'pinning' && this.#pinned.test(text.slice(text.lastIndexOf('\n') + 1))) {
      // The nonce cannot come from a banner: no need to wait for quiet.
      this.#state = 'ready';
      return { kind: 'ready' };
    }
    return { kind: 'wait' };
  }

  /**
   * Tells the machine the output has been quiet for the settle time: the last line is now
   * matched against the prompts the state expects. Returns what to do.
   */
  quiet(): EscalationAction {
    if (this.#state === 'ready' || this.#state === 'failed') return { kind: 'wait' };
    const text = withoutBroadcasts(this.#buffer);
    const lastLine = text.slice(text.lastIndexOf('\n') + 1);
    const is = (name: keyof ExpertPrompts): boolean => this.#prompts[name].test(lastLine);
    const prompt = is('cli') ? 'cli' : is('root') ? 'root' : is('user') ? 'user' : is('password') ? 'password' : undefined;
    if (prompt === undefined || prompt === 'password') {
      if (EULA.test(text)) return this.#fail('eula', text);
      if (PAGER.test(lastLine.trim())) return this.#fail('pager', text);
    }
    switch (this.#state) {
      case 'start': {
        if (prompt === undefined) return { kind: 'wait' };
        if (prompt === 'password') return this.#fail('unexpected-prompt', text);
        this.#banner = text.slice(0, text.length - lastLine.length).trim();
        if (prompt !== 'cli' && (this.#onlyFromCli || (prompt === 'root' && this.#directFromRoot))) {
          this.#state = 'ready';
          return { kind: 'not-cli', prompt };
        }
        if (prompt === 'cli') return this.#send('expert', 'expert\n');
        return prompt === 'root' ? this.#send('pinning', this.setupCommand) : this.#send('sudo', `${this.#escalation}\n`);
      }
      case 'expert':
        if (prompt === 'cli') return this.#fail('expert-not-permitted', text);
        if (prompt === 'root') return this.#send('pinning', this.setupCommand);
        if (prompt === 'user') return this.#send('sudo', `${this.#escalation}\n`);
        if (prompt === 'password') return this.#fail('unexpected-prompt', text);
        return { kind: 'wait' };
      case 'sudo':
        if (prompt === 'password') {
          if (this.#passwordSent) return this.#fail('wrong-password', text);
          this.#passwordSent = true;
          this.#buffer = '';
          return { kind: 'send-password' };
        }
        if (prompt === 'root') return this.#send('pinning', this.setupCommand);
        if (prompt === 'user' || prompt === 'cli') return this.#fail('sudo-refused', text);
        return { kind: 'wait' };
      case 'pinning':
        return { kind: 'wait' };
    }
  }

  /** Marks the machine failed when the driver gives up (timeout, closed channel). */
  abandon(): void {
    if (this.#state !== 'failed') this.#failedFrom = this.#state;
    this.#state = 'failed';
  }

  #send(next: EscalationState, text: string): EscalationAction {
    this.#state = next;
    this.#buffer = '';
    return { kind: 'send', text };
  }

  #fail(reason: EscalationFailure, text: string): EscalationAction {
    this.#failedFrom = this.#state;
    this.#state = 'failed';
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return { kind: 'fail', reason, detail: lines.slice(-3).join(' | ') };
  }
}
