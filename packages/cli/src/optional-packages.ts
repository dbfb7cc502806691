import { CliUsageError } from './cli-usage-error.js';

/**
 * Loads an optional peer of the CLI for the commands that need it. The production command does
 * not carry them: `@sftunnel-ca/lab` (the simulated fleet, with its SSH, TLS and shell emulators:
 * `demo`, `lab`) and `@sftunnel-ca/exporter` (Prometheus metrics, with prom-client: `exporter`).
 *
 * @throws CliUsageError (exit 2) starting with `<NAME>_NOT_INSTALLED:` and naming the install
 *   command when the package is not installed
 */
async function loadOptional<T>(name: string, prefix: string, command: string, what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    throw new CliUsageError(
      `${prefix}_NOT_INSTALLED: sftunnel-ca ${command} ${what}, ${name}, which is not installed (it is optional: ` +
        `the other commands do not need it). Install it beside @sftunnel-ca/cli, at the same version: npm install ${name} ` +
        '(add -g when the CLI was installed with -g)',
    );
  }
}

/** Node's "not found" for the package itself, not for something it failed to load. */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`"${name}"`));
}

/**
 * Loads the simulator for `demo` and `lab`.
 *
 * @param command - the command that needs it, for the message
 * @throws CliUsageError `LAB_NOT_INSTALLED: …` (exit 2) with the install command when it is not installed
 */
export function loadLab(command: string): Promise<typeof import('@sftunnel-ca/lab')> {
  return loadOptional('@sftunnel-ca/lab', 'LAB', command, 'runs the simulated fleet', () => import('@sftunnel-ca/lab'));
}

/**
 * Loads the Prometheus exporter for `exporter`.
 *
 * @param command - the command that needs it, for the message
 * @throws CliUsageError `EXPORTER_NOT_INSTALLED: …` (exit 2) with the install command when it is not installed
 */
export function loadExporter(command: string): Promise<typeof import('@sftunnel-ca/exporter')> {
  return loadOptional('@sftunnel-ca/exporter', 'EXPORTER', command, 'serves Prometheus metrics', () => import('@sftunnel-ca/exporter'));
}
