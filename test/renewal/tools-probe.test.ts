import { defaultPreflightProbes, type DevicePreflightContext, type DevicePreflightProbe, type FmcPreflightProbe, type PreflightContext } from '@sftunnel-ca/core';
import { LocalHost } from '@sftunnel-ca/transport';
import { describe, expect, it } from 'vitest';

/**
 * The `tools` preflight on this machine's real shell (LocalHost): it has the file commands but no
 * `pmtool` and no `sftunnel_status.pl`, as a host that is not an appliance would — so the probe
 * must fail, naming exactly those, and say where to look.
 */
describe('preflight › tools, on a host that is not an appliance', () => {
  it('fails naming each command the renewal runs that the root shell does not find', async () => {
    const host = new LocalHost({ name: 'not-an-appliance' });
    const signal = new AbortController().signal;
    // The built-in `tools` probes, as preflightRenewal runs them.
    const tools = defaultPreflightProbes().filter((probe) => probe.name === 'tools');
    expect(tools.map((probe) => probe.scope)).toEqual(['fmc', 'device']);
    const [fmcProbe, deviceProbe] = tools as [FmcPreflightProbe, DevicePreflightProbe];
    const fmc = await fmcProbe.run({ fmc: host, now: () => new Date(), signal } as unknown as PreflightContext);
    expect(fmc).toMatchObject({ verdict: 'fail', cause: 'COMMAND_FAILED', message: "not-an-appliance's root shell does not find pmtool, sftunnel_status.pl" });
    expect(fmc.remedy).toContain('sftunnel-ca probe');
    // A device is not asked for sftunnel_status.pl: only what the delivery runs there.
    const device = await deviceProbe.run({ host, now: () => new Date(), signal } as unknown as DevicePreflightContext);
    expect(device).toMatchObject({ verdict: 'fail', message: "not-an-appliance's root shell does not find pmtool" });
  });
});
