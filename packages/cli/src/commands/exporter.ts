import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { loadExporter } from '../optional-packages.js';
import { writeText } from '../output.js';

/** The options of `exporter`. */
interface ExporterFlags {
  readonly config: string;
}

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `sftunnel-ca exporter --config <file>`: the Prometheus exporter on its own HTTP port
 * (`/metrics`, `/healthz`, `/readyz`), reading the FMCs the file lists until SIGINT or SIGTERM.
 *
 * @param io - where to report
 * @param until - resolves when the exporter should stop; default on SIGINT or SIGTERM
 */
export function exporterCommand(io: CliIo, until: () => Promise<void> = untilSignalled): Command {
  return new Command('exporter')
    .summary('serve Prometheus metrics for InternalCAs, device certificates and tunnels')
    .description(
      'Serve Prometheus metrics (/metrics), liveness (/healthz) and readiness (/readyz) for the FMCs listed in a YAML or JSON ' +
        'file: InternalCA and device certificate expiry as timestamps, tunnel state, renewal runs, collection errors. FMCs are ' +
        'read over SSH on an interval with jitter and a deadline; scrapes answer from memory. Listens on 127.0.0.1:9817 unless ' +
        'the file says otherwise. Passwords only by reference: env:VAR or file:PATH (mode 0600). Alert rules and a Grafana ' +
        'dashboard are in deploy/.',
    )
    .addOption(new Option('--config <file>', 'the exporter configuration (YAML or JSON)').makeOptionMandatory())
    .addHelpText(
      'after',
      '\nExample configuration:\n' +
        '  listen: 127.0.0.1:9817\n' +
        '  intervalSeconds: 300\n' +
        '  deadlineSeconds: 120\n' +
        '  fmcs:\n' +
        '    - name: fmc-paris\n' +
        '      address: 192.0.2.10\n' +
        '      user: root\n' +
        '      password: file:/etc/sftunnel-ca/fmc-paris.password   # or env:FMC_PARIS_PASSWORD\n' +
        '      knownHosts: /etc/sftunnel-ca/known_hosts              # or hostKey: SHA256:…\n' +
        '\nExample:\n' +
        '  $ sftunnel-ca exporter --config /etc/sftunnel-ca/exporter.yml\n',
    )
    .action(async (flags: ExporterFlags) => {
      const { loadExporterConfig, startStandaloneExporter } = await loadExporter('exporter'); // an optional peer: prom-client loads only here
      const running = await startStandaloneExporter(await loadExporterConfig(flags.config), { env: io.env, now: io.now });
      io.stderr.write(`sftunnel-ca exporter: serving ${running.server.url}/metrics (Ctrl-C stops)\n`);
      try {
        await until();
      } finally {
        await running.stop();
      }
      writeText(io, 'sftunnel-ca exporter: stopped.');
    });
}
