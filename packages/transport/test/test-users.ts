/**
 * The Unix accounts the transport tests log in as, created by `global-setup.ts` (tests run as
 * root in CI) and removed afterwards. Passwords are throw-away values for these test accounts.
 */
export const TEST_USERS = {
  /** Login shell is the CLISH stand-in; sudo asks this user's password. */
  admin: { name: 'sftca-admin', password: 'Adm1n-t3st-pw/9f2c' },
  /** Like `admin`, but the CLI refuses `expert`. */
  noExpert: { name: 'sftca-noexpert', password: 'N0exp-t3st-pw/41ad' },
  /** Plain bash login with password; passwordless sudo. */
  ops: { name: 'sftca-ops', password: 'Ops-t3st-pw/77e0' },
} as const;

/** Where global-setup installs the CLISH stand-in (the admin users' login shell). */
export const CLISH_PATH = '/usr/local/sbin/sftunnel-ca-test-clish';

/** The sudoers drop-in global-setup writes. */
export const SUDOERS_PATH = '/etc/sudoers.d/sftunnel-ca-test';
