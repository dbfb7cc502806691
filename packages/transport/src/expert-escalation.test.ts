import { describe, expect, it } from 'vitest';
import { ExpertEscalation, type EscalationAction } from './expert-escalation.js';

/** Marks, in a replayed transcript, that the output went quiet for the settle time. */
const QUIET = Symbol('quiet');
type Step = string | typeof QUIET;

/** Replays a transcript (chunks of output, and quiet periods) and collects the actions that are not `wait`. */
function replay(machine: ExpertEscalation, steps: readonly Step[]): EscalationAction[] {
  return steps.map((step) => (step === QUIET ? machine.quiet() : machine.feed(step))).filter((action) => action.kind !== 'wait');
}

/** The set-up line's echo and the pinned prompt, as a root shell answers it. */
const PINNED = (nonce: string): Step[] => ["set +o emacs ... PS1='SFTCA" + nonce + "\\$ '\r\n", `SFTCA${nonce}# `];

/** The FTD 6.4 hardware login as public transcripts show it (unicon FXOS/FTD mock data, netmiko cisco_ftd). */
const FTD_64_BANNER = [
  'Last login: Tue Jan 24 18:18:07 UTC 2023 from 10.0.0.5 on pts/0\r\n',
  "Successful login attempts for user 'admin' : 3\r\n\r\n",
  'Copyright 2004-2019, Cisco and/or its affiliates. All rights reserved.\r\n',
  'Cisco is a registered trademark of Cisco Systems, Inc.\r\n',
  'All other trademarks are property of their respective owners.\r\n\r\n',
  'Cisco Fire Linux OS v6.4.0 (build 2)\r\n',
  'Cisco Firepower 1120 Threat Defense v6.4.0.9 (build 62)\r\n\r\n\r\n',
];
const NOTICE = [
  '**************************************************************\r\n',
  'NOTICE - Shell access will be deprecated in future releases\r\n',
  '         and will be replaced with a separate expert mode CLI.\r\n',
  '**************************************************************\r\n',
];

describe('ExpertEscalation', () => {
  it('walks an FTD: banner, CLI, expert, sudo su with the password, root, pinned prompt', () => {
    const machine = new ExpertEscalation({ nonce: 'n0nce' });
    const actions = replay(machine, [
      'Copyright 2004-2024, Cisco\r\n\x1b[1mCisco Firepower Threat Defense v7.4\x1b[0m\r\n\r\n',
      '> ',
      QUIET,
      'expert\r\n',
      '\x1b[?2004hadmin@firepower:~$ ',
      QUIET,
      'sudo su\r\n',
      '\r\nWe trust you have received the usual lecture.\r\n\r\nPassword: ',
      QUIET,
      '\r\n',
      'root@firepower:/home/admin# ',
      QUIET,
      ...PINNED('n0nce'),
    ]);
    expect(actions.map((action) => action.kind)).toEqual(['send', 'send', 'send-password', 'send', 'ready']);
    expect(actions[0]).toEqual({ kind: 'send', text: 'expert\n' });
    expect(actions[1]).toEqual({ kind: 'send', text: 'sudo su\n' });
    expect(machine.banner).toContain('Cisco Firepower Threat Defense v7.4');
    expect(machine.state).toBe('ready');
  });

  it('decides nothing until the output is quiet: a prompt-looking packet followed by more output is no prompt', () => {
    const machine = new ExpertEscalation({ nonce: 'x' });
    expect(machine.feed('> ')).toEqual({ kind: 'wait' });
    // More banner came before the settle time ran out: the driver never called quiet().
    expect(machine.feed('is the CLI prompt, type help\r\n')).toEqual({ kind: 'wait' });
    expect(machine.quiet()).toEqual({ kind: 'wait' });
    expect(machine.state).toBe('start');
    expect(replay(machine, ['> ', QUIET])).toEqual([{ kind: 'send', text: 'expert\n' }]);
  });

  it('starts from a shell prompt (FMC 6.2 in bash) with sudo, or a root prompt, and honours the escalation command', () => {
    const fmc = new ExpertEscalation({ nonce: 'a1', escalation: 'sudo -i' });
    expect(replay(fmc, ['admin@fmc:/Volume/home/admin$ ', QUIET])).toEqual([{ kind: 'send', text: 'sudo -i\n' }]);
    const root = new ExpertEscalation({ nonce: 'a1' });
    expect(replay(root, ['root@fmc:~# ', QUIET])).toMatchObject([{ kind: 'send', text: expect.stringContaining("PS1='SFTCAa1\\$ '") }]);
    // `auto`: a bash landing escalates with sudo as after `expert`; a root landing goes direct.
    const autoUser = new ExpertEscalation({ nonce: 'a1', directFromRoot: true });
    expect(replay(autoUser, ['Last login: Sun Dec  6 06:00:00 2026\r\nadmin@fmc62:~$ ', QUIET])).toEqual([{ kind: 'send', text: 'sudo su\n' }]);
    const autoRoot = new ExpertEscalation({ nonce: 'a1', directFromRoot: true });
    expect(replay(autoRoot, ['root@fmc:~# ', QUIET])).toEqual([{ kind: 'not-cli', prompt: 'root' }]);
    const autoSudo = new ExpertEscalation({ nonce: 'a1', onlyFromCli: true, directFromRoot: true });
    expect(replay(autoSudo, ['admin@fmc:~$ ', QUIET])).toEqual([{ kind: 'not-cli', prompt: 'user' }]);
  });

  it('recognises a wrong sudo password', () => {
    const machine = new ExpertEscalation({ nonce: 'x' });
    replay(machine, ['> ', QUIET, 'admin@ftd:~$ ', QUIET, '[sudo] password for admin: ', QUIET]);
    expect(machine.feed('\r\nSorry, try again.\r\n[sudo] password for admin: ')).toMatchObject({ kind: 'fail', reason: 'wrong-password' });
  });

  it('recognises expert refused, a forced password change, and sudo refusals', () => {
    const refused = new ExpertEscalation({ nonce: 'x' });
    replay(refused, ['> ', QUIET]);
    expect(replay(refused, ['expert\r\n% Invalid command\r\n> ', QUIET])).toMatchObject([{ kind: 'fail', reason: 'expert-not-permitted' }]);

    const change = new ExpertEscalation({ nonce: 'x' });
    expect(change.feed('WARNING: Your password has expired.\r\nYou must change your password now.\r\nCurrent password: ')).toMatchObject({
      kind: 'fail',
      reason: 'password-change-required',
    });
    expect(change.awaiting).toMatch(/first prompt/);

    const sudoers = new ExpertEscalation({ nonce: 'x' });
    replay(sudoers, ['admin@ftd:~$ ', QUIET]);
    expect(sudoers.feed('sudo su\r\nadmin is not in the sudoers file.  This incident will be reported.\r\nadmin@ftd:~$ ')).toMatchObject({
      kind: 'fail',
      reason: 'sudo-refused',
    });
  });

  it('is not fooled by prompt-like text inside banner lines or echoed commands', () => {
    const machine = new ExpertEscalation({ nonce: 'x' });
    expect(replay(machine, ['Last login: root@host:~# from 10.0.0.1\r\n', QUIET])).toEqual([]);
    expect(replay(machine, ['Type "expert" > to continue\r\n', QUIET])).toEqual([]);
    expect(replay(machine, ['> ', QUIET])).toEqual([{ kind: 'send', text: 'expert\n' }]);
    expect(replay(machine, ['expert', QUIET])).toEqual([]);
  });
});

describe('ExpertEscalation › replayed transcripts that real banners cannot fool', () => {
  it('MOTD lines of `#`, `>`, `$`, `#####` and `-->`, even when a packet ends right after one and the link stalls', () => {
    for (const motd of ['#####', '#', '-->', '>>>', '$$$', '# ', '> -->', '===> ', '#### Authorized use only ####']) {
      const machine = new ExpertEscalation({ nonce: 'x' });
      // The packet ends on the MOTD line (no newline yet) and the output goes quiet.
      expect(replay(machine, ['Last login: Tue Jan 24 18:18:07 UTC 2023 from 10.0.0.5 on pts/0\r\n', motd, QUIET]), motd).toEqual([]);
      expect(machine.state, motd).toBe('start');
      expect(replay(machine, ['\r\nWelcome\r\n', QUIET, '> ', QUIET]), motd).toEqual([{ kind: 'send', text: 'expert\n' }]);
    }
  });

  it('the FTD 6.4 hardware login: Last login, login attempts, copyright, model line, the NOTICE block, sudo lecture split across packets, `Password: `', () => {
    const machine = new ExpertEscalation({ nonce: 'f64' });
    const actions = replay(machine, [
      ...FTD_64_BANNER.flatMap((chunk): Step[] => [chunk, QUIET]),
      '> ',
      QUIET,
      'expert\r\n',
      // The NOTICE block in two packets, the `*` frame ending one of them.
      NOTICE.slice(0, 1).join(''),
      QUIET,
      NOTICE.slice(1).join(''),
      'admin@firepower:~$ ',
      QUIET,
      'sudo su\r\n\r\nWe trust you have received the usual lecture from the local System\r\n',
      'Administrator. It usually boils down to these three things:\r\n\r\n    #',
      QUIET,
      '1) Respect the privacy of others.\r\n    #2) Think before you type.\r\n    #',
      QUIET,
      '3) With great power comes great responsibility.\r\n\r\n',
      'Password: ',
      QUIET,
      '\r\n',
      'root@firepower:/# ',
      QUIET,
      ...PINNED('f64'),
    ]);
    expect(actions.map((action) => action.kind)).toEqual(['send', 'send', 'send-password', 'send', 'ready']);
    expect(machine.banner).toContain("Successful login attempts for user 'admin' : 3");
  });

  it('an FP4100 module expert shell in /opt/cisco/csp/applications and a root prompt in /Volume/home/admin', () => {
    const machine = new ExpertEscalation({ nonce: 'm' });
    const actions = replay(machine, [
      '> ',
      QUIET,
      'expert\r\n',
      ...NOTICE,
      'admin@firepower:/opt/cisco/csp/applications$ ',
      QUIET,
      'Password: ',
      QUIET,
      'root@firepower:/Volume/home/admin# ',
      QUIET,
      ...PINNED('m'),
    ]);
    expect(actions.map((action) => action.kind)).toEqual(['send', 'send', 'send-password', 'send', 'ready']);
  });

  it('ignores a broadcast (wall) that arrives after a prompt, and one during the banner', () => {
    const machine = new ExpertEscalation({ nonce: 'b' });
    const actions = replay(machine, [
      'Last login: Tue Jan 24 18:18:07 UTC 2023\r\n',
      '> ',
      '\r\n\r\nBroadcast message from root@firepower (pts/1) (Tue Jan 24 18:20:00 2023):\r\n\r\nSystem going down for upgrade at 19:00 > save your work #\r\n\r\n',
      QUIET,
      'expert\r\nadmin@firepower:~$ ',
      QUIET,
      'sudo su\r\nPassword: ',
      '\r\nBroadcast message from admin@firepower (somewhere) (Tue Jan 24 18:21:00 2023):\r\n\r\nroot@evil:~# \r\n\r\n',
      QUIET,
    ]);
    expect(actions).toEqual([{ kind: 'send', text: 'expert\n' }, { kind: 'send', text: 'sudo su\n' }, { kind: 'send-password' }]);
  });
});

describe('ExpertEscalation › bad input: a coded reason, the state it was in, the last line seen', () => {
  it('refuses a first-login EULA (shown through a pager or asked at once), never accepting it', () => {
    const paged = new ExpertEscalation({ nonce: 'e' });
    expect(
      replay(paged, ['You must accept the EULA to continue.\r\nPress <ENTER> to display the EULA: ', QUIET]),
    ).toMatchObject([{ kind: 'fail', reason: 'eula', detail: expect.stringContaining('Press <ENTER> to display the EULA') }]);
    expect(paged.awaiting).toMatch(/first prompt/);
    const asked = new ExpertEscalation({ nonce: 'e' });
    expect(
      replay(asked, ['END USER LICENSE AGREEMENT\r\n...\r\n', "Please enter 'YES' or press <ENTER> to AGREE to the EULA: ", QUIET]),
    ).toMatchObject([{ kind: 'fail', reason: 'eula' }]);
  });

  it('refuses a `--More--` pager, in any state', () => {
    const motd = new ExpertEscalation({ nonce: 'p' });
    expect(replay(motd, ['Security notice line 1\r\nline 2\r\n', '--More--', QUIET])).toMatchObject([{ kind: 'fail', reason: 'pager', detail: expect.stringContaining('--More--') }]);
    const inExpert = new ExpertEscalation({ nonce: 'p' });
    replay(inExpert, ['> ', QUIET]);
    expect(replay(inExpert, ['expert\r\n', ...NOTICE, '\x1b[7m-- More --\x1b[0m', QUIET])).toMatchObject([{ kind: 'fail', reason: 'pager' }]);
    expect(inExpert.awaiting).toMatch(/after `expert`/);
  });

  it('waits (for the driver’s timeout) on an unknown prompt and a lecture in another language, and says which state and line', () => {
    const unknown = new ExpertEscalation({ nonce: 'u' });
    expect(replay(unknown, ['Welcome\r\nfirepower(local-mgmt)% ', QUIET])).toEqual([]);
    expect(unknown.state).toBe('start');
    expect(unknown.lastLine).toBe('firepower(local-mgmt)% ');
    const german = new ExpertEscalation({ nonce: 'g' });
    replay(german, ['admin@ftd:~$ ', QUIET]);
    expect(replay(german, ['sudo su\r\n\r\nWir gehen davon aus, dass Sie die übliche Belehrung erhalten haben.\r\n\r\n[sudo] Passwort für admin: ', QUIET])).toEqual([]);
    expect(german.state).toBe('sudo');
    expect(german.awaiting).toMatch(/sudo's password prompt/);
    expect(german.lastLine).toBe('[sudo] Passwort für admin: ');
  });

  it('a password prompt where a shell was expected is an unexpected prompt, never answered', () => {
    const machine = new ExpertEscalation({ nonce: 'q' });
    expect(replay(machine, ['Password: ', QUIET])).toMatchObject([{ kind: 'fail', reason: 'unexpected-prompt' }]);
  });
});
