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
  cli: /^[\w.-]*> ?$/,
  user: /^\S*\$ ?$/,
  root: /^\S*# ?$/,
  password: /[Pp]assword(?: for [^:]*)? ?: ?$/,
};

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
  /** Stop at the first prompt unless it is the CLI (the `auto` strategy); default `false`. */
  readonly onlyFromCli?: boolean;
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
  | 'unexpected-prompt';

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

/**
 * The login state machine of an appliance shell, without I/O (fed output, answers with what
 * to send): login → CLI `> ` → `expert` → `admin@…:~$` → `sudo su` → `Password:` → root `#`
 * → a pinned prompt. It can start at any of these (an FMC lands in bash, a root login in `#`).
 * Prompts are matched on the last line after stripping ANSI codes, so banners and MOTD above
 * them do not matter. A forced password change, `expert` refused, a wrong sudo password
 * (`Sorry, try again.`) and sudo refusals are recognised and reported.
 *
 * @example
 * ```ts
 * const machine = new ExpertEscalation({ nonce: 'a1b2c3' });
 * machine.feed('Copyright 2004-2024, Cisco\n> '); // { kind: 'send', text: 'expert\n' }
 * ```
 */
export class ExpertEscalation {
  readonly #prompts: ExpertPrompts;
  readonly #escalation: EscalationCommand;
  readonly #nonce: string;
  readonly #onlyFromCli: boolean;
  readonly #pinned: RegExp;
  readonly #scratchParent: string;
  #state: EscalationState = 'start';
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

  /** Feeds a chunk of terminal output; returns what to do. */
  feed(chunk: string): EscalationAction {
    if (this.#state === 'ready' || this.#state === 'failed') return { kind: 'wait' };
    this.#buffer += stripAnsi(chunk);
    const text = this.#buffer;
    const lastLine = text.slice(text.lastIndexOf('\n') + 1);
    const is = (name: keyof ExpertPrompts): boolean => this.#prompts[name].test(lastLine);

    if (PASSWORD_CHANGE.test(text)) return this.#fail('password-change-required', text);
    switch (this.#state) {
      case 'start': {
        const kind = is('cli') ? 'cli' : is('root') ? 'root' : is('user') ? 'user' : undefined;
        if (kind === undefined) return is('password') ? this.#fail('unexpected-prompt', text) : { kind: 'wait' };
        this.#banner = text.slice(0, text.length - lastLine.length).trim();
        if (kind !== 'cli' && this.#onlyFromCli) {
          this.#state = 'ready';
          return { kind: 'not-cli', prompt: kind };
        }
        if (kind === 'cli') return this.#send('expert', 'expert\n');
        return kind === 'root' ? this.#send('pinning', this.setupCommand) : this.#send('sudo', `${this.#escalation}\n`);
      }
      case 'expert':
        if (is('cli')) return this.#fail('expert-not-permitted', text);
        if (is('root')) return this.#send('pinning', this.setupCommand);
        if (is('user')) return this.#send('sudo', `${this.#escalation}\n`);
        return { kind: 'wait' };
      case 'sudo':
        if (WRONG_PASSWORD.test(text)) return this.#fail('wrong-password', text);
        if (SUDO_REFUSED.test(text)) return this.#fail('sudo-refused', text);
        if (is('password')) {
          if (this.#passwordSent) return this.#fail('wrong-password', text);
          this.#passwordSent = true;
          this.#buffer = '';
          return { kind: 'send-password' };
        }
        if (is('root')) return this.#send('pinning', this.setupCommand);
        if (is('user') || is('cli')) return this.#fail('sudo-refused', text);
        return { kind: 'wait' };
      case 'pinning':
        if (this.#pinned.test(lastLine)) {
          this.#state = 'ready';
          return { kind: 'ready' };
        }
        return { kind: 'wait' };
    }
  }

  /** Marks the machine failed when the driver gives up (timeout, closed channel). */
  abandon(): void {
    this.#state = 'failed';
  }

  #send(next: EscalationState, text: string): EscalationAction {
    this.#state = next;
    this.#buffer = '';
    return { kind: 'send', text };
  }

  #fail(reason: EscalationFailure, text: string): EscalationAction {
    this.#state = 'failed';
    return { kind: 'fail', reason, detail: text.trim().split('\n').slice(-3).join(' | ') };
  }
}
