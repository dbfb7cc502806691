import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('examples/embed-exporter-express.ts', () => {
  it('runs: embeds the exporter in Express against its own lab, scrapes once, and stops everything', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile('npx', ['tsx', 'examples/embed-exporter-express.ts'], { cwd: root, timeout: 110_000 }, (error, stdout, stderr) =>
        error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
      );
    });
    expect(output).toMatch(/\/sftunnel\/readyz → 200/);
    expect(output).toMatch(/^app_hits_total 1$/m);
    expect(output.match(/^sftunnel_tunnel_up\{device="FTD-000\d",fmc="lab-fmc"\} 1$/gm)).toHaveLength(3);
    expect(output).toMatch(/^sftunnel_expiry_alert_level\{fmc="lab-fmc"\} 0$/m);
  });
});
