import { ftdPeerFiles } from '@sftunnel-ca/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { EXPERT_NOTICE, formatLastLogin, PROFILE_PASSWORD_PROMPT, SUDO_LECTURE } from './lab-profile.js';
import { KeystrokeSession } from './testing/keystrokes.js';

/** `Last login: Tue Mar  3 09:20:36 UTC 2026 from 127.0.0.1 on pts/0` → the same with the time as `<time>`. */
function withoutLoginTime(text: string): string {
  return text.replace(/^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4} from/, 'Last login: <time> from');
}

/** The banner lines of an FTD profile, as the public transcripts show them (the login time left out). */
function ftdBanner(attempts: number, os: string, modelLine: string, year: number): string {
  return [
    'Last login: <time> from 127.0.0.1 on pts/0',
    `Successful login attempts for user 'admin' : ${attempts}`,
    '',
    `Copyright 2004-${year}, Cisco and/or its affiliates. All rights reserved.`,
    'Cisco is a registered trademark of Cisco Systems, Inc.',
    'All other trademarks are property of their respective owners.',
    '',
    `Cisco Fire Linux OS v${os}`,
    modelLine,
    '',
    '',
    '> ',
  ].join('\n');
}

/** What `sudo su` prints on a profile that lectures: the lecture, then its password prompt. */
const LECTURE = SUDO_LECTURE + PROFILE_PASSWORD_PROMPT;

describe('lab profiles › login shells as public transcripts show them', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({
      devices: [{ name: 'ftd64', profile: 'ftd-6.4-hw' }, { name: 'ftd7', profile: 'ftd-7-virtual' }, { name: 'fp4150', profile: 'fp4100-module' }, { name: 'plain' }],
      profile: 'fmc-6.2-bash',
    });
  }, 120_000);
  afterAll(() => lab?.stop());

  it('ftd-6.4-hw: banner, `> `, NOTICE on expert, lecture and `Password: ` on sudo su, root in `/`, `logout`', async () => {
    const session = await KeystrokeSession.open(lab.appliance('ftd64'));
    try {
      expect(withoutLoginTime(await session.waitFor(/> $/))).toBe(ftdBanner(1, '6.4.0 (build 2)', 'Cisco Firepower 1120 Threat Defense v6.4.0.9 (build 62)', 2019));
      expect(await session.line('expert', /\$ $/)).toBe(`expert\n${EXPERT_NOTICE}admin@ftd64:~$ `);
      expect(await session.line('sudo su', /Password: $/)).toBe(`sudo su\n${LECTURE}`);
      expect(await session.line(lab.fmc.password, /# $/)).toBe('\nroot@ftd64:/# ');
      expect(await session.line('exit', /\$ $/)).toBe('exit\nexit\nadmin@ftd64:~$ ');
      // A second sudo in the same session is not lectured again.
      expect(await session.line('sudo su -', /Password: $/)).toBe('sudo su -\nPassword: ');
      expect(await session.line(lab.fmc.password, /# $/)).toBe('\nroot@ftd64:~# ');
      expect(await session.line('exit', /\$ $/)).toBe('exit\nlogout\nadmin@ftd64:~$ ');
      expect(await session.line('exit', /> $/)).toBe('exit\nlogout\n> ');
    } finally {
      session.close();
    }
    // The next login counts one more successful attempt.
    const again = await KeystrokeSession.open(lab.appliance('ftd64'));
    try {
      expect(await again.waitFor(/> $/)).toContain("Successful login attempts for user 'admin' : 2\n");
    } finally {
      again.close();
    }
  });

  it('ftd-7-virtual: the same banner with its release, no NOTICE, no lecture, `Password: `', async () => {
    const session = await KeystrokeSession.open(lab.appliance('ftd7'));
    try {
      expect(withoutLoginTime(await session.waitFor(/> $/))).toBe(ftdBanner(1, '6.6.5 (build 2)', 'Cisco Firepower Threat Defense for VMware v7.2.5 (build 208)', 2023));
      expect(await session.line('expert', /\$ $/)).toBe('expert\nadmin@ftd7:~$ ');
      expect(await session.line('sudo su', /Password: $/)).toBe('sudo su\nPassword: ');
      expect(await session.line(lab.fmc.password, /# $/)).toBe('\nroot@ftd7:/home/admin# ');
    } finally {
      session.close();
    }
  });

  it('fp4100-module: the expert shell starts in /opt/cisco/csp/applications', async () => {
    const session = await KeystrokeSession.open(lab.appliance('fp4150'));
    try {
      expect(await session.waitFor(/> $/)).toContain('Cisco Firepower 4150 Threat Defense v6.4.0 (build 102)\n\n\n> ');
      expect(await session.line('expert', /\$ $/)).toBe(`expert\n${EXPERT_NOTICE}admin@fp4150:/opt/cisco/csp/applications$ `);
      expect(await session.line('pwd', /\$ $/)).toBe('pwd\n/opt/cisco/csp/applications\nadmin@fp4150:/opt/cisco/csp/applications$ ');
      expect(await session.line('sudo su', /Password: $/)).toBe(`sudo su\n${LECTURE}`);
      expect(await session.line(lab.fmc.password, /# $/)).toBe('\nroot@fp4150:/opt/cisco/csp/applications# ');
    } finally {
      session.close();
    }
  });

  it('fmc-6.2-bash: SSH lands in bash as admin (no `> `), and `exit` says `logout`', async () => {
    const session = await KeystrokeSession.open(lab.fmc);
    try {
      expect(withoutLoginTime(await session.waitFor(/\$ $/))).toBe('Last login: <time> from 127.0.0.1 on pts/0\nadmin@FMCpri:~$ ');
      expect(await session.line('sudo su', /Password: $/)).toBe(`sudo su\n${LECTURE}`);
      expect(await session.line(lab.fmc.password, /# $/)).toBe('\nroot@FMCpri:/home/admin# ');
      expect(await session.line('cat /etc/sf/sw_version', /# $/)).toBe('cat /etc/sf/sw_version\n6.2.3\nroot@FMCpri:/home/admin# ');
      expect(await session.line('exit', /\$ $/)).toBe('exit\nexit\nadmin@FMCpri:~$ ');
      session.type('exit\r');
      await session.waitFor(/logout\n$/);
    } finally {
      session.close();
    }
  });

  it('ftd-6.4-hw: the manual method with heredocs (no vi), backups, chmod and pmtool, root:root 644 kept', async () => {
    const ftd = lab.appliance('ftd64');
    const peer = ftdPeerFiles(lab.layout, lab.fmc.uuid);
    const certificate = await lab.readFile(ftd.name, peer.sftunnelCertificate);
    const root = /root@ftd64:[^\n]*# $/;
    const session = await KeystrokeSession.openAsRoot(ftd);
    try {
      await session.line(`cd ${peer.directory}`, root);
      await session.line('cp sftunnel-cert.pem sftunnel-cert.pem.backup', root);
      const lines = certificate.trimEnd().split('\n');
      session.type(`cat > sftunnel-cert.pem <<'EOF'\r`);
      for (const line of lines) session.type(`${line}\r`);
      await session.line('EOF', root);
      await session.line('chmod 644 sftunnel-cert.pem', root);
      expect(await session.line('ls -l sftunnel-cert.pem sftunnel-cert.pem.backup', root)).toMatch(/\n-rw-r--r-- 1 root root \d{4} \w{3} [ \d]\d \d\d:\d\d sftunnel-cert\.pem\n-rw-r--r-- 1 root root \d{4} \w{3} [ \d]\d \d\d:\d\d sftunnel-cert\.pem\.backup\n/);
      await session.line('pmtool restartbyid sftunnel', root);
    } finally {
      session.close();
    }
    expect(await lab.readFile(ftd.name, peer.sftunnelCertificate)).toBe(certificate);
    expect(await lab.readFile(ftd.name, `${peer.sftunnelCertificate}.backup`)).toBe(certificate);
    expect(lab.tunnel(ftd.name).state).toBe('connected');
  });

  it('an appliance without a profile keeps the lab’s own shells', async () => {
    const session = await KeystrokeSession.open(lab.appliance('plain'));
    try {
      expect(await session.waitFor(/> $/)).toMatch(/^Copyright 2004-2024/);
      await session.line('expert', /admin@plain:~\$ $/);
      expect(await session.line('sudo su', /Password:$/)).toBe('sudo su\nPassword:');
    } finally {
      session.close();
    }
  });
});

describe('lab profiles › the shell keeps $?, interleaves its streams and lists files as GNU ls', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: [{ profile: 'ftd-7-virtual' }] });
  }, 120_000);
  afterAll(() => lab?.stop());

  it('does all three in an interactive root shell', async () => {
    const ftd = lab.devices[0]!;
    const root = /root@FTD-0001:[^\n]*# $/;
    const session = await KeystrokeSession.openAsRoot(ftd);
    try {
      expect(await session.line('false', root)).toMatch(/^false\n/);
      expect(await session.line('echo "status $?"', root)).toMatch(/^echo "status \$\?"\nstatus 1\n/);
      expect(await session.line('echo "status $?"', root)).toMatch(/\nstatus 0\n/);
      expect(await session.line('echo one; ls /no/such/file; echo two', root)).toMatch(/^echo one; ls \/no\/such\/file; echo two\none\nls: [^\n]*\/no\/such\/file[^\n]*\ntwo\n/);
      // Errors sent elsewhere stay there; a pipe still carries only standard output.
      expect(await session.line('ls /no/such/file 2>/dev/null; echo after', root)).toMatch(/^[^\n]*\nafter\n/);
      await session.line(`cd /var/sf/peers/${lab.fmc.uuid}`, root);
      const listing = await session.line('ls -hal', root);
      const line = listing.split('\n').find((l) => l.endsWith(' sftunnel-cert.pem'));
      expect(line).toMatch(/^-rw-r--r-- 1 root root \d\.\dK \w{3} [ \d]\d \d\d:\d\d sftunnel-cert\.pem$/);
      expect(listing).toMatch(/\ndrwxr-xr-x \d+ root root 4\.0K \w{3} [ \d]\d \d\d:\d\d \.\n/);
      const long = await session.line('ls -l sftunnel-cert.pem', root);
      expect(long).toMatch(/\n-rw-r--r-- 1 root root \d{4} \w{3} [ \d]\d \d\d:\d\d sftunnel-cert\.pem\n/);
    } finally {
      session.close();
    }
  });
});

describe('lab profiles › formatLastLogin', () => {
  it('does print a time as `Last login:` does', () => {
    expect(formatLastLogin(new Date('2023-01-24T18:18:07Z'))).toBe('Tue Jan 24 18:18:07 UTC 2023');
    expect(formatLastLogin(new Date('2026-03-03T09:05:01Z'))).toBe('Tue Mar  3 09:05:01 UTC 2026');
  });
});

describe('lab profiles › options', () => {
  it('refuses an unknown profile, and an FMC profile for a device', async () => {
    await expect(startLab({ devices: 1, profile: 'ftd-5' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(startLab({ devices: [{ profile: 'fmc-7' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
