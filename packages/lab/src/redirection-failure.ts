import type { CommandNode, StatementNode, TransformPlugin } from 'just-bash';

type GroupNode = Extract<CommandNode, { type: 'Group' }>;

/** Redirection operators that write to a file (or may: `>&` with a file name). */
const WRITES = new Set(['>', '>>', '>|', '&>', '&>>', '>&', '<>']);

/** Builtins that run a script of their own, which this transform does not reach. */
const SCRIPT_RUNNERS = new Set(['eval', 'source', '.']);

function writes(command: CommandNode): boolean {
  return command.type !== 'FunctionDef' && command.redirections.some((r) => WRITES.has(r.operator));
}

function runsScript(command: CommandNode): boolean {
  const [part, ...more] = command.type === 'SimpleCommand' ? (command.name?.parts ?? []) : [];
  return more.length === 0 && part?.type === 'Literal' && SCRIPT_RUNNERS.has(part.value);
}

/** `{ command; }`: just-bash's group turns an error thrown inside into its message on stderr and status 1. */
function group(command: CommandNode): GroupNode {
  return {
    type: 'Group',
    body: [{ type: 'Statement', pipelines: [{ type: 'Pipeline', commands: [command], negated: false }], operators: [], background: false }],
    redirections: [],
  };
}

function isolateAll(statements: readonly StatementNode[]): void {
  for (const statement of statements) {
    for (const pipeline of statement.pipelines) pipeline.commands = pipeline.commands.map(isolate);
  }
}

function isolate(command: CommandNode): CommandNode {
  isolateBodies(command);
  return writes(command) || runsScript(command) ? group(command) : command;
}

function isolateBodies(command: CommandNode): void {
  switch (command.type) {
    case 'Group':
    case 'Subshell':
    case 'For':
    case 'CStyleFor':
      isolateAll(command.body);
      return;
    case 'While':
    case 'Until':
      isolateAll(command.condition);
      isolateAll(command.body);
      return;
    case 'If':
      for (const clause of command.clauses) {
        isolateAll(clause.condition);
        isolateAll(clause.body);
      }
      isolateAll(command.elseBody ?? []);
      return;
    case 'Case':
      for (const item of command.items) isolateAll(item.body);
      return;
    case 'FunctionDef':
      isolateBodies(command.body);
      return;
    default:
  }
}

/**
 * A just-bash transform that makes a failed write through a redirection (a full disk) fail only
 * the command it belongs to, as bash does (`bash: <path>: No space left on device`, status 1, and
 * the script goes on). just-bash writes a redirection's output after the command has run and lets
 * the file system's error escape, which aborts the whole script; each command that redirects
 * output to a file is therefore run as `{ command; }`, whose group turns the error into its
 * message and status 1. The scripts of `eval` and `source` are parsed later, out of reach: such a
 * command is grouped whole, so a failure stops its script only. Command substitutions are left as
 * they are (they run in a subshell, which stops there).
 */
export const redirectionFailurePlugin: TransformPlugin<Record<string, never>> = {
  name: 'redirection-failure',
  transform({ ast }) {
    isolateAll(ast.statements);
    return { ast };
  },
};
