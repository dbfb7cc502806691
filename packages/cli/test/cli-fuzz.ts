/**
 * What the fuzz tests of the whole command line share: an io that keeps what was printed, the
 * commands fuzzed, the documented codes, and a guard that keeps every connection on loopback.
 */
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP, Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SftunnelCaError, type SftunnelCaErrorCode } from '@sftunnel-ca/core';
import type { Command } from 'commander';
import fc from 'fast-check';
import type { CliIo } from '../src/cli-io.js';
import { checkCommand } from '../src/commands/check.js';
import { copyCommand } from '../src/commands/copy.js';
import { diagnoseCommand } from '../src/commands/diagnose.js';
import { planCommand } from '../src/commands/plan.js';
import { renewCommand } from '../src/commands/renew.js';
import { rollbackCommand } from '../src/commands/rollback.js';
import { statusCommand } from '../src/commands/status.js';
import { verifyCommand } from '../src/commands/verify.js';
import { renderError } from '../src/render-error.js';
import { parseSshTarget } from '../src/ssh-options.js';

/** An io whose output is kept, with no terminal and nothing on stdin. */
export function capturedIo(env: Record<string, string | undefined>): { io: CliIo; stdout: () => string; stderr: () => string } {
  const sink = (): { stream: PassThrough; text: () => string } => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = sink();
  const err = sink();
  return { io: { stdout: out.stream, stderr: err.stream, stdin: Readable.from([]), env, now: () => new Date('2026-11-23T00:00:00Z') }, stdout: out.text, stderr: err.text };
}

/**
 * The commands whose input is fuzzed, as the CLI builds them, by name (lab, demo and exporter start
 * servers, probe dials every device without an FMC: their inputs go through the same parsers).
 */
export function fuzzedCommands(): ReadonlyMap<string, Command> {
  const { io } = capturedIo({});
  const ignore = (): void => undefined;
  const tree = [checkCommand(io, ignore), statusCommand(io), diagnoseCommand(io), planCommand(io, ignore), renewCommand(io, ignore), copyCommand(io, ignore), verifyCommand(io, ignore), rollbackCommand(io, ignore)];
  return new Map(tree.map((command) => [command.name(), command]));
}

/** Options whose value is an SSH target: fuzzed only with loopback targets or text the target parser refuses. */
const TARGET_OPTIONS = new Set(['--fmc', '--jump']);

/** Whether the target parser refuses a text (so that no connection is ever made to it). */
export function refusedAsTarget(text: string): boolean {
  try {
    parseSshTarget(text, '--fmc');
    return false;
  } catch {
    return true;
  }
}

/**
 * One option of `command` with a value: `text` for most, one of its choices or `text` where it has
 * choices, `target` for an SSH target; a flag alone.
 */
export function optionArguments(command: Command, text: fc.Arbitrary<string>, target: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc.constantFrom(...command.options).chain((o) => {
    const long = o.long ?? '';
    if (!o.required && !o.optional) return fc.constant<string[]>([long]);
    const value = TARGET_OPTIONS.has(long) ? target : o.argChoices === undefined ? text : fc.oneof(fc.constantFrom(...o.argChoices), text);
    return value.map((v) => [long, v]);
  });
}

/** The codes docs/errors.md lists: the documented ones. */
export function documentedCodes(): ReadonlySet<string> {
  const text = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
  return new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1] ?? ''));
}

/** The exit code the CLI documents for an error code (the table test over docs/errors.md holds it to README and docs/errors.md). */
export function documentedExit(code: string): number {
  return renderError(capturedIo({}).io, new SftunnelCaError(code as SftunnelCaErrorCode, 'x'), false);
}

/**
 * The code a failed run printed on stderr: the first `sftunnel-ca: CODE:` line, or the code of the
 * `sftunnel-ca/error/v1` document with `--json`.
 */
export function printedCode(stderr: string): string | undefined {
  const line = /^sftunnel-ca: ([A-Z][A-Z0-9_]+): /m.exec(stderr)?.[1];
  if (line !== undefined) return line;
  for (const text of stderr.split('\n').filter((l) => l.startsWith('{'))) {
    try {
      const document = JSON.parse(text) as { schema?: string; error?: { code?: string } };
      if (document.schema === 'sftunnel-ca/error/v1' && typeof document.error?.code === 'string') return document.error.code;
    } catch {
      // not a document
    }
  }
  return undefined;
}

/** Whether a host is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1' || host === '::ffff:127.0.0.1';
}

/** Where the process tried to reach while a {@link NetworkGuard} stood. */
export interface NetworkGuard {
  /** Every TCP connection's host (a Unix socket as `unix:<path>`), in order. */
  readonly connected: string[];
  /** Every name looked up through `dns.lookup`, in order. */
  readonly lookedUp: string[];
  /** Takes the guard down. */
  restore(): void;
}

/**
 * A stand-in for the network (test double): every TCP connection of the process is recorded, and
 * one to anything but a loopback address goes to 127.0.0.1 port 1 instead (refused at once), so no
 * name is ever looked up through it; `dns.lookup` records the name and fails as for an unknown
 * name, sending nothing.
 */
export function guardNetwork(): NetworkGuard {
  const connected: string[] = [];
  const lookedUp: string[] = [];
  const connect = Socket.prototype.connect;
  const lookup = dns.lookup;
  const promisesLookup = dns.promises.lookup;
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]): Socket {
    // net.connect() hands its arguments on as one normalized array: [options, callback].
    const given = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const [first, second] = given;
    const options = typeof first === 'object' && first !== null ? (first as { host?: string; port?: number; path?: string }) : undefined;
    if (options?.path !== undefined) {
      connected.push(`unix:${options.path}`);
      return (connect as (...a: unknown[]) => Socket).apply(this, args);
    }
    const host = options?.host ?? (typeof second === 'string' ? second : 'localhost');
    connected.push(host);
    if (isLoopback(host)) return (connect as (...a: unknown[]) => Socket).apply(this, args);
    const callback = given.find((a) => typeof a === 'function');
    return (connect as (...a: unknown[]) => Socket).call(this, { ...options, host: '127.0.0.1', port: 1 }, ...(callback === undefined ? [] : [callback]));
  } as typeof connect;
  const refuse = (name: string): NodeJS.ErrnoException => Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
  dns.lookup = ((name: string, ...rest: unknown[]) => {
    lookedUp.push(name);
    const callback = rest.find((a) => typeof a === 'function') as ((error: Error) => void) | undefined;
    process.nextTick(() => callback?.(refuse(name)));
  }) as typeof dns.lookup;
  dns.promises.lookup = (async (name: string) => {
    lookedUp.push(name);
    throw refuse(name);
  }) as typeof dns.promises.lookup;
  return {
    connected,
    lookedUp,
    restore: () => {
      Socket.prototype.connect = connect;
      dns.lookup = lookup;
      dns.promises.lookup = promisesLookup;
    },
  };
}
