/**
 * Each package's public API is a reviewed artefact: `packages/<name>/api/<name>.api.md`, API
 * Extractor's report of everything the package's entry exports (from its built `.d.ts`). This test
 * fails when the built API differs from the committed report, or when a public signature links to
 * something unexported; `pnpm api` updates the reports, and the diff shows the change in review.
 */
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { describe, expect, it } from 'vitest';

const PACKAGES = ['core', 'transport', 'lab', 'exporter', 'cli'];

describe('the public API of each package', () => {
  it.each(PACKAGES)('%s: matches its committed report, and every link in its TSDoc resolves', (name) => {
    const config = ExtractorConfig.loadFileAndPrepare(join(import.meta.dirname, '..', 'packages', name, 'api-extractor.json'));
    const messages: string[] = [];
    const result = Extractor.invoke(config, {
      localBuild: false,
      messageCallback: (message) => {
        if (message.logLevel === 'warning' || message.logLevel === 'error') messages.push(message.formatMessageWithLocation(config.projectFolder));
        message.handled = true;
      },
    });
    expect(messages, `run \`pnpm api\` and review packages/${name}/api/${name}.api.md`).toEqual([]);
    expect(result.apiReportChanged).toBe(false);
    expect(result.succeeded).toBe(true);
  });
});
