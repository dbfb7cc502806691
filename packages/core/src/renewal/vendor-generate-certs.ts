import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import { parseGenerateCertsOutput, type FailedPushNoticeLine } from '../formats/generate-certs-output.js';
import type { Host } from '../host/host.js';
import { GENERATE_CERTS_SCRIPT } from './vendor-generator.js';

/** The question generate_certs.pl asks twice (the second time after the current CA's remaining days). */
const QUESTION = 'Do you want to continue? [yes/no]';
const NOT_FOUND_STATUS = 127;

/** What one run of generate_certs.pl said and did, read from its console. */
export interface GenerateCertsConsole {
  /** Its exit status. */
  readonly code: number;
  /** How many times it asked `Do you want to continue? [yes/no]`: 0 when it refused before asking (a critical task). */
  readonly questions: number;
  /** What it said instead of asking, when it refused (its own words, one line); `undefined` when it asked. */
  readonly refusal: string | undefined;
  /** Whether root's shell did not find the script. */
  readonly notFound: boolean;
  /** Its `Failed to push to <name> = <path>` lines. */
  readonly failures: readonly FailedPushNoticeLine[];
  /** The FAILED_PUSH file it names, when it could not push to every device. */
  readonly failedPushFile: string | undefined;
}

/**
 * Reads generate_certs.pl's console: how many questions it asked, its refusal when it asked none,
 * the pushes it reports as failed and the FAILED_PUSH it names. Pure.
 *
 * @param output - what it printed (standard output and error)
 * @param code - its exit status
 */
export function readGenerateCertsConsole(output: string, code: number): GenerateCertsConsole {
  const questions = output.split(QUESTION).length - 1;
  const notFound = questions === 0 && (code === NOT_FOUND_STATUS || /command not found/i.test(output));
  const said = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('setting log file'))
    .join(' ');
  const { failures, failedPushFile } = parseGenerateCertsOutput(output);
  return {
    code,
    questions,
    refusal: questions === 0 && !notFound ? said.slice(0, 300) || `it exited ${code} without a word` : undefined,
    notFound,
    failures,
    failedPushFile,
  };
}

/** Options of {@link runGenerateCerts}. */
export interface RunGenerateCertsOptions {
  /** Deadline of the run, in milliseconds; the host's default when omitted. */
  readonly timeoutMs?: number;
  /** Cancels the run. */
  readonly signal?: AbortSignal;
}

/**
 * Runs generate_certs.pl on the FMC as root, its questions answered from standard input in order
 * (`['no']` asks whether it would run and changes nothing; `['yes', 'yes']` renews).
 *
 * @param fmc - the FMC, as root
 * @param answers - one answer per question
 * @param options - deadline, signal
 * @throws SftunnelCaError `VENDOR_GENERATOR_UNAVAILABLE` when root's shell does not find the script,
 *   `VENDOR_GENERATOR_REFUSED` when it refuses before its first question (a critical task)
 */
export async function runGenerateCerts(fmc: Host, answers: readonly ('yes' | 'no')[], options: RunGenerateCertsOptions = {}): Promise<GenerateCertsConsole> {
  const result = await fmc.run(GENERATE_CERTS_SCRIPT, {
    stdin: answers.map((answer) => `${answer}\n`).join(''),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const read = readGenerateCertsConsole(`${result.stdout}\n${result.stderr}`, result.code);
  if (read.notFound) {
    throw new SftunnelCaError('VENDOR_GENERATOR_UNAVAILABLE', `root's shell on ${fmc.name} does not find ${GENERATE_CERTS_SCRIPT} (exit ${result.code}); nothing was changed`, { host: fmc.name, step: 'generator' });
  }
  if (read.refusal !== undefined) {
    throw new SftunnelCaError('VENDOR_GENERATOR_REFUSED', `${GENERATE_CERTS_SCRIPT} refuses to run on ${fmc.name} (exit ${result.code}): ${read.refusal}`, { host: fmc.name, step: 'generator' });
  }
  return read;
}
