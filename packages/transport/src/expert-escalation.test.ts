import { describe, expect, it } from 'vitest';
import { ExpertEscalation, type EscalationAction } from './expert-escalation.js';

/** Feeds a transcript chunk by chunk and collects the actions that are not `wait`. */
function run(machine: ExpertEscalation, chunks: readonly string[]): EscalationAction[] {
  return chunks.map((chunk) => machine.feed(chunk)).filter((action) => action.kind !== 'wait');
}

describe('ExpertEscalation', () => {
  it('walks an FTD: banner, CLI, expert, sudo su with the password, root, pinned prompt', () => {
    const machine = new ExpertEscalation({ nonce: 'n0nce' });
    const actions = run(machine, [
      'Copyright 2004-2024, Cisco\r\n\x1b[1mCisco Firepower Threat Defense v7.4\x1b[0m\r\n\r\n',
      '> ',
      'expert\r\n',
      '\x1b[?2004hadmin@firepower:~$ ',
      'sudo su\r\n',
      '\r\nWe trust you have received the usual lecture.\r\n\r\nPassword: ',
      '\r\n',
      'root@firepower:/home/admin# ',
      "set +o emacs ... PS1='SFTCAn0nce\\$ '\r\n",
      'SFTCAn0nce# ',
    ]);
    expect(actions.map((action) => action.kind)).toEqual(['send', 'send', 'send-password', 'send', 'ready']);
    expect(actions[0]).toEqual({ kind: 'send', text: 'expert\n' });
    expect(actions[1]).toEqual({ kind: 'send', text: 'sudo su\n' });
    expect(machine.banner).toContain('Cisco Firepower Threat Defense v7.4');
    expect(machine.state).toBe('ready');
  });

  it('starts from a shell prompt (FMC) or a root prompt, and honours the escalation command', () => {
    const fmc = new ExpertEscalation({ nonce: 'a1', escalation: 'sudo -i' });
    expect(fmc.feed('admin@fmc:/Volume/home/admin$ ')).toEqual({ kind: 'send', text: 'sudo -i\n' });
    const root = new ExpertEscalation({ nonce: 'a1' });
    expect(root.feed('root@fmc:~# ')).toMatchObject({ kind: 'send', text: expect.stringContaining("PS1='SFTCAa1\\$ '") });
    const auto = new ExpertEscalation({ nonce: 'a1', onlyFromCli: true });
    expect(auto.feed('admin@fmc:~$ ')).toEqual({ kind: 'not-cli', prompt: 'user' });
  });

  it('recognises a wrong sudo password', () => {
    const machine = new ExpertEscalation({ nonce: 'x' });
    run(machine, ['> ', 'admin@ftd:~$ ', '[sudo] password for admin: ']);
    expect(machine.feed('\r\nSorry, try again.\r\n[sudo] password for admin: ')).toMatchObject({ kind: 'fail', reason: 'wrong-password' });
  });

  it('recognises expert refused, a forced password change, and sudo refusals', () => {
    const refused = new ExpertEscalation({ nonce: 'x' });
    refused.feed('> ');
    expect(refused.feed('expert\r\n% Invalid command\r\n> ')).toMatchObject({ kind: 'fail', reason: 'expert-not-permitted' });

    const change = new ExpertEscalation({ nonce: 'x' });
    expect(change.feed('WARNING: Your password has expired.\r\nYou must change your password now.\r\nCurrent password: ')).toMatchObject({
      kind: 'fail',
      reason: 'password-change-required',
    });

    const sudoers = new ExpertEscalation({ nonce: 'x' });
    sudoers.feed('admin@ftd:~$ ');
    expect(sudoers.feed('sudo su\r\nadmin is not in the sudoers file.  This incident will be reported.\r\nadmin@ftd:~$ ')).toMatchObject({
      kind: 'fail',
      reason: 'sudo-refused',
    });
  });

  it('is not fooled by prompt-like text inside banner lines or echoed commands', () => {
    const machine = new ExpertEscalation({ nonce: 'x' });
    expect(machine.feed('Last login: root@host:~# from 10.0.0.1\r\n')).toEqual({ kind: 'wait' });
    expect(machine.feed('Type "expert" > to continue\r\n')).toEqual({ kind: 'wait' });
    expect(machine.feed('> ')).toEqual({ kind: 'send', text: 'expert\n' });
    expect(machine.feed('expert')).toEqual({ kind: 'wait' });
  });
});
