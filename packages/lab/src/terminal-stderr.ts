import type { CommandNode, StatementNode, TransformPlugin } from 'just-bash';

type RedirectionNode = Extract<CommandNode, { type: 'SimpleCommand' }>['redirections'][number];

/** `2>&1`, put first so that a command's own redirections still win (`2>/dev/null`, `>file`). */
function toStdout(): RedirectionNode {
  return { type: 'Redirection', fd: 2, operator: '>&', target: { type: 'Word', parts: [{ type: 'Literal', value: '1' }] } } as RedirectionNode;
}

function mergeAll(statements: readonly StatementNode[]): void {
  for (const statement of statements) {
    for (const pipeline of statement.pipelines) {
      // Only the last command of a pipeline writes to the terminal; the others' stderr does too,
      // but merging theirs would send it down the pipe.
      const last = pipeline.commands.at(-1);
      if (last !== undefined) merge(last);
    }
  }
}

function merge(command: CommandNode): void {
  switch (command.type) {
    case 'SimpleCommand':
      command.redirections.unshift(toStdout());
      return;
    case 'FunctionDef':
      return;
    default:
  }
  // A compound command redirected as a whole keeps its own streams: leave its body alone.
  if (command.redirections.length > 0) return;
  switch (command.type) {
    case 'Group':
    case 'Subshell':
    case 'For':
    case 'CStyleFor':
      mergeAll(command.body);
      return;
    case 'While':
    case 'Until':
      mergeAll(command.condition);
      mergeAll(command.body);
      return;
    case 'If':
      for (const clause of command.clauses) {
        mergeAll(clause.condition);
        mergeAll(clause.body);
      }
      mergeAll(command.elseBody ?? []);
      return;
    case 'Case':
      for (const item of command.items) mergeAll(item.body);
      return;
    default:
  }
}

/**
 * A just-bash transform for interactive sessions: a terminal shows a command's standard output and
 * error in the order they were written, but just-bash collects the two apart for a whole script.
 * Each command that writes to the terminal gets `2>&1` before its own redirections, so its errors
 * appear where it ran (`ls` of a missing file between two `echo`s shows between them), while
 * `2>/dev/null`, `>file` and pipes keep their meaning. Within one command, its output still comes
 * before its errors. Command substitutions and scripts of `eval`/`source` are left as they are.
 */
export const terminalStderrPlugin: TransformPlugin<Record<string, never>> = {
  name: 'terminal-stderr',
  transform({ ast }) {
    mergeAll(ast.statements);
    return { ast };
  },
};
