import { describe, expect, it } from 'vitest';
import { OpenHeredocs, needsMoreLines, typedScript } from './terminal-session.js';

describe('typedScript', () => {
  it('says a script needs more lines while a heredoc, a quote or a trailing && is open, and gives the tree once complete', () => {
    expect(needsMoreLines("cat <<'EOF'\nline")).toBe(true);
    expect(needsMoreLines("cat <<-EOF\n\tline\n\tEOF")).toBe(false);
    expect(needsMoreLines('echo "open')).toBe(true);
    expect(needsMoreLines('true &&')).toBe(true);
    const typed = typedScript("cat <<'EOF'\nline\nEOF");
    expect(typed.complete && typed.ast?.statements.length).toBe(1);
    // A syntax error is complete: the shell runs it for bash's message.
    expect(typedScript('fi')).toEqual({ complete: true, ast: undefined });
  });

  it('follows heredocs a line at a time as a scan of the whole script does', () => {
    const lines = ["x=$(base64 -d <<'A'", 'QQ==', 'A', ') && cat <<B <<-C', 'b', 'B', '\tc', '\tC', 'echo done'];
    const followed = new OpenHeredocs();
    lines.forEach((line, index) => {
      followed.add(line);
      const script = lines.slice(0, index + 1).join('\n');
      expect([index, followed.any || typedScript(script, followed).complete === false]).toEqual([index, needsMoreLines(script)]);
    });
  });
});
