import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TransportEvent } from '@sftunnel-ca/transport';
import { terminalSafe } from './terminal-text.js';

/** Any PEM private key block: never in a transcript. */
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

/**
 * The transcripts of a run's SSH sessions, one per appliance: the login as it went (what the
 * appliance printed, what was typed, a password shown as `<password>`), the strategy, each
 * escalation step and each operation with its outcome — never a command's output or a file's
 * content, and private key material removed should any appear. Written with mode 0600 in a 0700
 * directory, so an operator can read them, redact further if they wish, and share them.
 */
export class SessionTranscripts {
  readonly #lines = new Map<string, string[]>();
  readonly #steps = new Map<string, string[]>();
  readonly #now: () => Date;

  /** @param now - the clock that stamps each line */
  constructor(now: () => Date) {
    this.#now = now;
  }

  /** A transport event listener that records every event under the host it names. */
  readonly listener = (event: TransportEvent): void => {
    const lines = this.#lines.get(event.host) ?? [];
    this.#lines.set(event.host, lines);
    lines.push(`${this.#now().toISOString()} ${describe(event)}`);
    if (event.type === 'escalation') this.#steps.set(event.host, [...(this.#steps.get(event.host) ?? []), event.state]);
  };

  /** The escalation steps seen for a host, in order (e.g. `expert`, `sudo`, `password`, `root`). */
  steps(host: string): string[] {
    return this.#steps.get(host) ?? [];
  }

  /**
   * Writes one `<name>.transcript` per host into `directory` (created 0700), each 0600.
   *
   * @returns the path written for each host
   */
  async write(directory: string): Promise<Map<string, string>> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
    const written = new Map<string, string>();
    for (const [host, lines] of this.#lines) {
      const path = join(directory, `${host.replace(/[^A-Za-z0-9._-]/g, '_')}.transcript`);
      await writeFile(path, `${lines.join('\n')}\n`.replace(PRIVATE_KEY, '[private key removed]'), { mode: 0o600 });
      await chmod(path, 0o600);
      written.set(host, path);
    }
    return written;
  }
}

function describe(event: TransportEvent): string {
  switch (event.type) {
    case 'login-text':
      return `${event.direction === 'received' ? '<<' : '>>'} ${JSON.stringify(event.text)}`;
    case 'escalation':
      return `escalation ${event.state}`;
    case 'banner':
      return `banner ${JSON.stringify(terminalSafe(event.text))}`;
    case 'strategy':
      return `strategy ${event.strategy}`;
    case 'operation':
      return `operation ${event.step} ${event.ok ? 'ok' : `failed ${event.code ?? ''}`.trim()} ${event.durationMs} ms`;
    default:
      return event.type;
  }
}
