/** One sample of the Prometheus text format. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

/** Reads the samples of a scrape (text format 0.0.4); `# HELP` and `# TYPE` lines are skipped. Throws on a line it cannot read. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (match === null) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      const body = match[2] ?? '';
      for (let at = 0; at < body.length; at = LABEL.lastIndex) {
        LABEL.lastIndex = at;
        const label = LABEL.exec(body);
        if (label === null) throw new Error(`unreadable labels: ${line}`);
        labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
      }
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The samples of one metric, keyed by their labels as `k=v,k=v` (sorted). */
export function seriesOf(samples: readonly PrometheusSample[], name: string): Map<string, number> {
  return new Map(samples.filter((s) => s.name === name).map((s) => [labelKey(s.labels), s.value]));
}

/** `k=v,k=v`, keys sorted: how {@link seriesOf} keys a series. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
