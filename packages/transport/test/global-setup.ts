import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLISH_PATH, MODULE_DIRECTORY, SUDOERS_PATH, TEST_USERS } from './test-users.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Creates the test accounts (idempotently), the CLISH stand-in and the sudoers drop-in; the
 * returned function removes them. Needs root, sshd and sudo (`apt-get install openssh-server sudo`).
 */
export default function setup(): () => void {
  if (process.getuid?.() !== 0) throw new Error('the transport tests need root (they create test users and run sshd)');
  copyFileSync(join(here, 'clish.sh'), CLISH_PATH);
  chmodSync(CLISH_PATH, 0o755);
  const shells: Record<string, string> = {
    [TEST_USERS.admin.name]: CLISH_PATH,
    [TEST_USERS.noExpert.name]: CLISH_PATH,
    [TEST_USERS.ops.name]: '/bin/bash',
    [TEST_USERS.bashAdmin.name]: '/bin/bash',
    [TEST_USERS.ftd64.name]: CLISH_PATH,
    [TEST_USERS.fp4100.name]: CLISH_PATH,
    [TEST_USERS.plain.name]: '/bin/bash',
  };
  for (const user of Object.values(TEST_USERS)) {
    removeUser(user.name);
    execFileSync('useradd', ['--create-home', '--shell', shells[user.name] ?? '/bin/bash', user.name]);
    // The password goes through stdin, never argv.
    execFileSync('chpasswd', [], { input: `${user.name}:${user.password}\n` });
  }
  writeFileSync(
    SUDOERS_PATH,
    [
      `${TEST_USERS.admin.name} ALL=(ALL:ALL) ALL`,
      `${TEST_USERS.noExpert.name} ALL=(ALL:ALL) ALL`,
      `${TEST_USERS.ops.name} ALL=(ALL:ALL) NOPASSWD: ALL`,
      `${TEST_USERS.bashAdmin.name} ALL=(ALL:ALL) ALL`,
      `${TEST_USERS.ftd64.name} ALL=(ALL:ALL) ALL`,
      `${TEST_USERS.fp4100.name} ALL=(ALL:ALL) ALL`,
      // As public transcripts show sudo on the appliances: the lecture, then `Password: `.
      `Defaults:${TEST_USERS.bashAdmin.name}, ${TEST_USERS.ftd64.name}, ${TEST_USERS.fp4100.name} lecture=always, passprompt="Password: "`,
      '',
    ].join('\n'),
    { mode: 0o440 },
  );
  execFileSync('visudo', ['-c', '-q', '-f', SUDOERS_PATH]);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  mkdirSync(MODULE_DIRECTORY, { recursive: true, mode: 0o755 });
  return () => {
    for (const user of Object.values(TEST_USERS)) removeUser(user.name);
    rmSync(SUDOERS_PATH, { force: true });
    rmSync(CLISH_PATH, { force: true });
  };
}

function removeUser(name: string): void {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    return;
  }
  execFileSync('userdel', ['--force', '--remove', name], { stdio: 'ignore' });
}
