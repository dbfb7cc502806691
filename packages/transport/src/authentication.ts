import { SftunnelCaError } from '@sftunnel-ca/core';
// ssh2 is CommonJS: Node's ESM loader exposes `utils` only on the default export.
import ssh2, { type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import type { Secret } from '@sftunnel-ca/core';

/** Who to log in as and how. Every secret is a `Secret` (core). */
export interface SshCredentials {
  /** Login user, e.g. `admin`. */
  readonly username: string;
  /** Password, offered by `password` and by `keyboard-interactive` (FTDs ask `Password :`). */
  readonly password?: Secret;
  /** Private key text (OpenSSH or PEM), offered by `publickey`. */
  readonly privateKey?: Secret;
  /** Passphrase of {@link SshCredentials.privateKey}. */
  readonly passphrase?: Secret;
  /** ssh-agent: `true` for `SSH_AUTH_SOCK`, or the socket path. */
  readonly agent?: boolean | string;
}

/** An ssh2 auth handler and what it tried, from {@link createAuthHandler}. */
export interface AuthPlan {
  /** The handler for ssh2's `authHandler` option. */
  readonly handler: AuthHandlerMiddleware;
  /** The method being tried: the one that succeeded once the client is ready. */
  readonly current: () => string | undefined;
  /** Every method tried, in order. */
  readonly tried: () => readonly string[];
}

/**
 * Plans authentication in OpenSSH's order: public key, agent, keyboard-interactive (answering
 * password prompts with the password, as FTDs ask `Password :`), then password when the
 * server does not offer keyboard-interactive; each only if the server still allows it. The private key is decrypted here so that a wrong passphrase is reported as such.
 *
 * @throws SftunnelCaError `AUTH_FAILED` when no method is configured or the key cannot be read
 */
export function createAuthHandler(credentials: SshCredentials, where: { readonly host: string }): AuthPlan {
  const { username } = credentials;
  const methods: { readonly wire: AuthenticationType; readonly make: () => AnyAuthMethod }[] = [];
  if (credentials.privateKey !== undefined) {
    const key = readPrivateKey(credentials, where.host);
    methods.push({ wire: 'publickey', make: () => ({ type: 'publickey', username, key }) });
  }
  const agent = credentials.agent === true ? process.env.SSH_AUTH_SOCK : credentials.agent || undefined;
  if (agent !== undefined && agent !== '') methods.push({ wire: 'publickey', make: () => ({ type: 'agent', username, agent }) });
  const password = credentials.password;
  if (password !== undefined) {
    methods.push({
      wire: 'keyboard-interactive',
      make: () => ({
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _language, prompts, finish) => {
          finish(prompts.map((prompt) => (/pass(word|code|phrase)/i.test(prompt.prompt) ? password.revealText() : '')));
        },
      }),
    });
    methods.push({ wire: 'password', make: () => ({ type: 'password', username, password: password.revealText() }) });
  }
  if (methods.length === 0) {
    throw new SftunnelCaError('AUTH_FAILED', 'no authentication method configured: give a password, a private key or an agent', {
      host: where.host,
      step: 'authenticate',
    });
  }
  let next = 0;
  const tried: string[] = [];
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, callback) => {
    // ssh2 passes null before the first attempt: ask with `none` which methods the server takes.
    if ((methodsLeft as AuthenticationType[] | null) === null) {
      callback({ type: 'none', username });
      return;
    }
    for (const method of methods.slice(next)) {
      next++;
      // One password, one try: after keyboard-interactive failed, `password` would fail too
      // (and cost the server's failure delay again).
      if (method.wire === 'password' && tried.includes('keyboard-interactive')) continue;
      if (methodsLeft.includes(method.wire)) {
        const auth = method.make();
        tried.push(auth.type);
        callback(auth);
        return;
      }
    }
    // ssh2 takes `false` as "no more methods" (its typings omit it).
    (callback as (auth: AnyAuthMethod | false) => void)(false);
  };
  return { handler, current: () => tried.at(-1), tried: () => tried };
}

function readPrivateKey(credentials: SshCredentials, host: string): ParsedKey {
  const key = ssh2.utils.parseKey(Buffer.from(credentials.privateKey?.reveal() ?? ''), credentials.passphrase?.revealText());
  const parsed = Array.isArray(key) ? key[0] : key;
  if (parsed === undefined || parsed instanceof Error) {
    throw new SftunnelCaError(
      'AUTH_FAILED',
      `the private key cannot be read${credentials.passphrase === undefined ? ' (is it encrypted? give its passphrase)' : ' (wrong passphrase?)'}`,
      { host, step: 'authenticate', cause: parsed },
    );
  }
  return parsed;
}
