import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Secret, SftunnelCaError, type Host } from '@sftunnel-ca/core';
import { SshHost, type SshHostOptions } from '@sftunnel-ca/transport';
import type { ConnectFmc } from './create-exporter.js';
import type { ExporterFmcConfig, SecretReference } from './exporter-config.js';

/** Options of {@link sshFmcConnector}. */
export interface SshFmcConnectorOptions {
  /** Environment variables for `env:` references and `SSH_AUTH_SOCK`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The `connect` of a standalone exporter: opens each configured FMC with `SshHost.connect`,
 * resolving its secrets at every connection (so a rotated password file is picked up) from the
 * environment or from files readable by their owner alone. Host keys are checked strictly.
 *
 * @param options - the environment
 *
 * @example
 * ```ts
 * const config = parseExporterConfig(await readFile('exporter.yml', 'utf8'), { file: 'exporter.yml' });
 * const exporter = createExporter({ fmcs: config.fmcs, connect: sshFmcConnector() });
 * ```
 */
export function sshFmcConnector(options: SshFmcConnectorOptions = {}): ConnectFmc<ExporterFmcConfig> {
  const env = options.env ?? process.env;
  return async (fmc, signal): Promise<Host> => SshHost.connect(await sshOptionsOf(fmc, env, signal));
}

/**
 * The options of `SshHost.connect` for a configured FMC, its secrets resolved.
 *
 * @throws SftunnelCaError `SECRET_REFERENCE_UNRESOLVED`, `EXPORTER_SECRET_FILE_EXPOSED`
 */
export async function sshOptionsOf(fmc: ExporterFmcConfig, env: Readonly<Record<string, string | undefined>>, signal?: AbortSignal): Promise<SshHostOptions> {
  const secret = async (reference: SecretReference | undefined): Promise<Secret | undefined> =>
    reference === undefined ? undefined : new Secret(firstLine(await resolveReference(reference, env, fmc.name)));
  const [password, passphrase, sudoPassword, privateKey] = await Promise.all([
    secret(fmc.password),
    secret(fmc.passphrase),
    secret(fmc.sudoPassword),
    fmc.identity === undefined ? undefined : readOwnerOnly(fmc.identity, fmc.name).then((key) => new Secret(key)),
  ]);
  const agentSocket = env['SSH_AUTH_SOCK'];
  return {
    name: fmc.name,
    host: fmc.address,
    port: fmc.port,
    username: fmc.user,
    strategy: fmc.strategy,
    hostKeys: {
      policy: 'strict',
      knownHostsFiles: fmc.knownHosts.length > 0 ? fmc.knownHosts : [join(homedir(), '.ssh', 'known_hosts')],
      ...(fmc.hostKeys.length === 0 ? {} : { fingerprints: fmc.hostKeys }),
    },
    connectTimeoutMs: fmc.connectTimeoutMs,
    retry: { attempts: 1 },
    ...(signal === undefined ? {} : { signal }),
    ...(password === undefined ? {} : { password }),
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(sudoPassword === undefined ? {} : { sudoPassword }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(fmc.agent && agentSocket !== undefined && agentSocket !== '' ? { agent: agentSocket } : {}),
  };
}

async function resolveReference(reference: SecretReference, env: Readonly<Record<string, string | undefined>>, fmc: string): Promise<string> {
  if (reference.startsWith('env:')) {
    const value = env[reference.slice(4)];
    if (value === undefined) throw new SftunnelCaError('SECRET_REFERENCE_UNRESOLVED', `the environment variable ${reference.slice(4)} is not set`, { host: fmc, step: 'credentials' });
    return value;
  }
  return readOwnerOnly(reference.slice(5), fmc);
}

/** Reads a secret file, refusing one that others can read. */
async function readOwnerOnly(path: string, fmc: string): Promise<string> {
  try {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) {
      throw new SftunnelCaError('EXPORTER_SECRET_FILE_EXPOSED', `${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`, {
        host: fmc,
        step: 'credentials',
        file: path,
      });
    }
    return await readFile(path, 'utf8');
  } catch (cause) {
    if (cause instanceof SftunnelCaError) throw cause;
    throw new SftunnelCaError('SECRET_REFERENCE_UNRESOLVED', `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { host: fmc, step: 'credentials', file: path, cause });
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}
