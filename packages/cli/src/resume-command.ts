/** Options a resume command sets itself, with their values. */
const REPLACED = ['--staging', '--journal'];

/** A word as a POSIX shell reads it back: quoted only when it must be. */
export const quote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

/**
 * The command that resumes an interrupted run: the same arguments (never a secret: argv holds
 * none), with `--staging` and `--journal` set to the run's.
 *
 * @param argv - the arguments after the program name
 * @param stagingDirectory - the run's staging directory on the FMC
 * @param journal - the run's journal on this machine
 */
export function resumeCommand(argv: readonly string[], stagingDirectory: string, journal: string): string {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (REPLACED.includes(argument)) index += 1;
    else if (!REPLACED.some((option) => argument.startsWith(`${option}=`))) kept.push(argument);
  }
  return ['sftunnel-ca', ...kept, '--staging', stagingDirectory, '--journal', journal].map(quote).join(' ');
}
