// By path, not the package: every project's tests run this, and must not need the lab built first.
import { LAB_PASSWORD_PATTERN } from '../../packages/lab/src/lab-password.js';
import { TEST_USERS } from '../../packages/transport/test/test-users.js';

/** Secret material found in a text: whether a password or a private key, and which. */
export interface SecretFinding {
  readonly kind: 'password' | 'private key';
  readonly label: string;
}

/** One kind of secret material and how to recognise it in any text. */
interface SecretKind extends SecretFinding {
  readonly pattern: RegExp;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * What counts as a secret in the suite's output, files, logs and argv:
 * - any lab password (they carry a marker: a canary found even when a lab in another process made it);
 * - the passwords of the transport tests' system users (fixed, so listed);
 * - private-key material: PEM armour of any private key, or the DER opening of an RSA private key
 *   in base64 (PKCS#8 or PKCS#1), so a key's body is caught even without its armour.
 */
const KINDS: readonly SecretKind[] = [
  { kind: 'password', label: 'a lab password', pattern: LAB_PASSWORD_PATTERN },
  ...Object.values(TEST_USERS).map((user) => ({ kind: 'password' as const, label: `the password of ${user.name}`, pattern: new RegExp(escape(user.password)) })),
  { kind: 'private key', label: 'private-key armour', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { kind: 'private key', label: 'an RSA private key body (PKCS#8)', pattern: /MII[A-Za-z0-9+/]{3}IBADANBgkqhkiG9w0BAQEFAASC/ },
  { kind: 'private key', label: 'an RSA private key body (PKCS#1)', pattern: /MII[A-Za-z0-9+/]{3}IBAAKC[AQgw]/ },
];

/**
 * The secret material in `text` (empty when there is none), plus any of `alsoSecret` (secrets a
 * test made itself, such as a deliberately wrong password) that occur in it.
 */
export function secretFindingsIn(text: string, alsoSecret: readonly string[] = []): SecretFinding[] {
  return [
    ...KINDS.filter(({ pattern }) => pattern.test(text)).map(({ kind, label }) => ({ kind, label })),
    ...alsoSecret.filter((secret) => secret !== '' && text.includes(secret)).map((secret) => ({ kind: 'password' as const, label: `the secret ${secret.slice(0, 4)}…` })),
  ];
}

/** What {@link secretFindingsIn} finds, as labels: for messages and assertions. */
export function secretMaterialIn(text: string, alsoSecret: readonly string[] = []): string[] {
  return secretFindingsIn(text, alsoSecret).map(({ label }) => label);
}
