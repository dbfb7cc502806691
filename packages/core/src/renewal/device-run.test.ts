import { describe, expect, it } from 'vitest';
import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';
import type { Host } from '../host/host.js';
import { createDeviceRun, finishRun, runOnDevice } from './device-run.js';
import type { PlannedDevice } from './plan.js';
import type { RenewalEvent } from './renewal-event.js';

const device = { uuid: '0f6f2a4c-1b7e-4c1e-9a55-3d2a4b7c9e01', name: 'FTD-1', address: '192.0.2.1' } as PlannedDevice;
const clock = (): Date => new Date('2026-01-01T00:00:00Z');

/** A test double of Host whose commands never finish (a device that stopped answering), recording close(). */
function hangingHostDouble(): { host: Host; closed: () => boolean } {
  let closed = false;
  const never = (): Promise<never> => new Promise<never>(() => undefined);
  const host: Host = { name: 'FTD-1', readFile: never, writeFileAtomic: never, stat: never, exists: never, list: never, copy: never, rename: never, run: never, close: async () => void (closed = true) };
  return { host, closed: () => closed };
}

describe('runOnDevice', () => {
  it('fails a device that passes its deadline with DEVICE_DEADLINE_EXCEEDED, at the step reached, and closes its connection', async () => {
    const double = hangingHostDouble();
    const run = createDeviceRun(device);
    const events: RenewalEvent[] = [];
    await runOnDevice(run, { connect: async () => double.host, now: clock, deviceTimeoutMs: 50, onEvent: (e) => events.push(e) }, async (host, signal, step) => {
      step('write');
      await host.run('pmtool restartbyid sftunnel', { signal });
    });
    expect(run).toMatchObject({ outcome: 'failed', cause: 'DEVICE_DEADLINE_EXCEEDED', step: 'write' });
    expect(double.closed()).toBe(true);
    expect(events.map((e) => (e.type === 'device:step' ? e.step : e.type))).toEqual(['connect', 'write']);
  });

  it('records the coded error of a failed connection as the cause, and never throws', async () => {
    const run = createDeviceRun(device);
    await runOnDevice(run, { connect: () => Promise.reject(new SftunnelCaError('AUTH_FAILED', 'rejected', { host: 'FTD-1' })), now: clock }, async () => undefined);
    expect(run).toMatchObject({ outcome: 'failed', cause: 'AUTH_FAILED', step: 'connect' });
    const result = finishRun({ fmc: 'fmc', stagingDirectory: '/var/tmp/certs/1', fmcSwitched: false, stopped: undefined, failedPushPath: undefined }, [run], clock(), { connect: () => Promise.reject(new Error('unused')), now: clock });
    expect(result.counts).toEqual({ renewed: 0, delivered: 0, 'rolled-back': 0, failed: 1, 'not-started': 0 });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
