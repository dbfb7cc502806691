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
  /**
   * Like an FMC 6.0–6.2 (or one whose CLI is disabled): SSH lands in bash as this user; sudo
   * asks this user's password with `Password: ` after its lecture, every time.
   */
  bashAdmin: { name: 'sftca-bashadm', password: 'B4sh-t3st-pw/c01d' },
  /**
   * Like an FTD 6.4 on hardware: the CLISH stand-in with `Last login`, login attempts and MOTD
   * lines of `#####` and `-->`; `expert` prints the NOTICE block; sudo lectures and asks `Password: `.
   */
  ftd64: { name: 'sftca-ftd64', password: 'F64-t3st-pw/5e7a' },
  /**
   * Like an FTD module of an FP4100/9300: the CLISH stand-in whose `expert` shell starts in
   * `/opt/cisco/csp/applications` (so does the root shell `sudo su` opens), NOTICE and lecture as on 6.x.
   */
  fp4100: { name: 'sftca-fp4100', password: 'Fp41-t3st-pw/a9c2' },
  /** Bash login, no sudo at all: no way to root. */
  plain: { name: 'sftca-plain', password: 'Pl41n-t3st-pw/0b3d' },
} as const;

/** Where global-setup installs the CLISH stand-in (the admin users' login shell). */
export const CLISH_PATH = '/usr/local/sbin/sftunnel-ca-test-clish';

/** Where the FP4100 module's expert shell starts (created by global-setup). */
export const MODULE_DIRECTORY = '/opt/cisco/csp/applications';

/** The sudoers drop-in global-setup writes. */
export const SUDOERS_PATH = '/etc/sudoers.d/sftunnel-ca-test';
