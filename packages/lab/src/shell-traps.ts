import { defineCommand, type Command } from 'just-bash';
import { result, shellQuote } from './shell-user.js';

/** The conditions a trap can be set on, by every name bash accepts for them. */
const CONDITIONS: Readonly<Record<string, string>> = {
  '0': 'EXIT',
  EXIT: 'EXIT',
  '1': 'HUP',
  HUP: 'HUP',
  SIGHUP: 'HUP',
  '2': 'INT',
  INT: 'INT',
  SIGINT: 'INT',
  '3': 'QUIT',
  QUIT: 'QUIT',
  SIGQUIT: 'QUIT',
  '15': 'TERM',
  TERM: 'TERM',
  SIGTERM: 'TERM',
};

/**
 * The traps of one interactive shell session, which just-bash does not keep: `trap ACTION
 * CONDITION…` sets them (`''` ignores the condition, `-` or a lone condition resets it), `trap` and
 * `trap -p` print them. The session runs them as bash does when its terminal hangs up (the SSH
 * connection closes: SIGHUP): the HUP trap's action, then, as the shell exits, the EXIT trap's; and
 * the EXIT trap's when the shell exits with `exit`. A trap set in a subshell is the session's too
 * (unlike bash: the lab cannot tell).
 */
export class ShellTraps {
  readonly #actions = new Map<string, string>();

  /** The `trap` builtin of the session. */
  command(): Command {
    return defineCommand('trap', async (args) => {
      const operands = args[0] === '--' ? args.slice(1) : args;
      if (operands.length === 0 || operands[0] === '-p') return result(this.#listing(operands.slice(1)));
      const [action = '', ...named] = operands.length === 1 ? ['-', ...operands] : operands;
      let stderr = '';
      for (const name of named) {
        const condition = CONDITIONS[name.toUpperCase()];
        if (condition === undefined) stderr += `bash: trap: ${name}: invalid signal specification\n`;
        else if (action === '-') this.#actions.delete(condition);
        else this.#actions.set(condition, action);
      }
      return result('', stderr, stderr === '' ? 0 : 1);
    });
  }

  /** The actions to run when the session's terminal hangs up, in order: the HUP trap's, then the EXIT trap's. */
  onHangUp(): string[] {
    return [this.#actions.get('HUP'), ...this.onExit()].filter((action): action is string => action !== undefined && action !== '');
  }

  /** The action to run when the shell exits: the EXIT trap's, if any. */
  onExit(): string[] {
    const action = this.#actions.get('EXIT');
    return action === undefined || action === '' ? [] : [action];
  }

  #listing(names: readonly string[]): string {
    const shown = names.length === 0 ? [...this.#actions.keys()] : names.map((name) => CONDITIONS[name.toUpperCase()] ?? name);
    return shown
      .filter((condition) => this.#actions.has(condition))
      .map((condition) => `trap -- ${shellQuote(this.#actions.get(condition) ?? '')} ${condition === 'EXIT' ? 'EXIT' : `SIG${condition}`}\n`)
      .join('');
  }
}
