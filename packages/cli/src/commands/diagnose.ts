import type { FileHandle } from 'node:fs/promises';
import type { MESSAGES_ACTIONS, MessagesCause, MessagesFinding } from '@sftunnel-ca/core';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io.js';
import { openInputFile } from '../input-file.js';
import { STANDARD_INPUT } from '../standard-input.js';
import { writeJson, writeText } from '../output.js';

/** The `schema` of `diagnose --json` documents. */
export const DIAGNOSE_SCHEMA_ID = 'sftunnel-ca/diagnose/v1';

/** A finding and the file it came from. */
interface LocatedFinding extends MessagesFinding {
  readonly file: string;
}

/** `sftunnel-ca diagnose <log…>`: why tunnels fail, from FTD and FMC messages logs. */
export function diagnoseCommand(io: CliIo): Command {
  return new Command('diagnose')
    .summary('explain sftunnel failures found in messages logs')
    .description(
      'Read FTD (/ngfw/var/log/messages) and FMC (/var/log/messages) logs, find each failed sftunnel connection, ' +
        'and say why it failed and what to do. Logs of any size are read as streams.',
    )
    .argument('<log...>', 'messages log files; - reads standard input')
    .addOption(new Option('--json', 'print one JSON document (schema sftunnel-ca/diagnose/v1)'))
    .addHelpText('after', '\nExamples:\n  $ sftunnel-ca diagnose ftd-messages.log fmc-messages.log\n  $ sftunnel-ca diagnose /ngfw/var/log/messages --json\n')
    .action(async (files: string[], options: { json?: boolean }) => {
      const { diagnoseMessages, MESSAGES_ACTIONS: actions } = await import('@sftunnel-ca/core');
      const findings: LocatedFinding[] = [];
      const opened: Array<{ file: string; handle: FileHandle | undefined }> = [];
      try {
        // every file readable before any is read; `-` is standard input, read in its turn
        for (const file of files) opened.push({ file, handle: file === STANDARD_INPUT ? undefined : await openInputFile(file, 'diagnose') });
        for (const { file, handle } of opened) {
          const source = handle === undefined ? (io.stdin as AsyncIterable<string | Uint8Array>) : handle.createReadStream({ autoClose: false });
          for await (const finding of diagnoseMessages(source)) findings.push({ ...finding, file });
        }
      } finally {
        await Promise.all(opened.map(({ handle }) => handle?.close()));
      }
      if (options.json === true) {
        writeJson(io, DIAGNOSE_SCHEMA_ID, { files, findings, causes: countCauses(findings) });
        return;
      }
      writeText(io, renderFindings(findings, files, actions));
    });
}

function countCauses(findings: readonly MessagesFinding[]): Partial<Record<MessagesCause, number>> {
  const counts: Partial<Record<MessagesCause, number>> = {};
  for (const finding of findings) counts[finding.cause] = (counts[finding.cause] ?? 0) + 1;
  return counts;
}

function renderFindings(findings: readonly LocatedFinding[], files: readonly string[], actionOf: typeof MESSAGES_ACTIONS): string {
  if (findings.length === 0) return `No failed sftunnel connection in ${files.join(', ')}.`;
  const lines = findings.map((finding) => {
    const details = [
      finding.depth === undefined ? undefined : `depth ${finding.depth}`,
      finding.issuer === undefined ? undefined : `issuer ${finding.issuer}`,
      finding.peerAddress === undefined ? undefined : `peer ${finding.peerAddress}`,
    ].filter((detail) => detail !== undefined);
    return `${finding.file}:${finding.line}  ${finding.timestamp}  ${finding.host}  ${finding.cause}: ${finding.reason}${details.length === 0 ? '' : `\n    ${details.join(', ')}`}`;
  });
  const causes = Object.entries(countCauses(findings)) as Array<[MessagesCause, number]>;
  const actions = causes.map(([cause, count]) => `${cause} (${count}): ${actionOf[cause]}`);
  return [...lines, '', 'What to do:', ...actions.map((action) => `  - ${action}`)].join('\n');
}
