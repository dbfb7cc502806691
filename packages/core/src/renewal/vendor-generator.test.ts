import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { fixedHotfixFor } from '../hotfix/fixed-hotfix.js';
import { readGenerateCertsConsole } from './vendor-generate-certs.js';
import { chooseRenewalGenerator, formatRenewalGeneratorChoice, renewalGeneratorProbe, type VendorGeneratorProbe } from './vendor-generator.js';

/** What probeVendorGenerator would find on an FMC of `version`, with or without the script. */
function fmcWith(version: string | undefined, script: boolean): VendorGeneratorProbe {
  return { scriptPath: script ? '/usr/local/sf/bin/generate_certs.pl' : undefined, version, hotfix: version === undefined ? undefined : fixedHotfixFor(version) };
}

describe('chooseRenewalGenerator', () => {
  it('does keep its own generator by default, saying that the vendor’s is there and how to use it', () => {
    const choice = chooseRenewalGenerator(fmcWith('7.2.9.99-4', true));
    expect(choice).toMatchObject({ generator: 'own', requested: undefined, vendorAvailable: true, remedy: undefined });
    expect(formatRenewalGeneratorChoice(choice)).toBe("generator: own (default); the vendor's generate_certs.pl is present (/usr/local/sf/bin/generate_certs.pl): --generator vendor uses it");
  });

  it('does say why its own is used where the FMC has no fixed generate_certs.pl: the hotfix to install, or none for 7.1.x and 6.x', () => {
    expect(chooseRenewalGenerator(fmcWith('7.2.5', false)).reason).toBe('own: generate_certs.pl not found on the FMC (7.2.5: install hotfix 7.2.9.99-4 to get it)');
    expect(chooseRenewalGenerator(fmcWith('7.1.0', false)).reason).toBe('own: generate_certs.pl not found on the FMC (7.1.0: 7.1.x has no fixed hotfix)');
    expect(chooseRenewalGenerator(fmcWith('6.7.0', false)).reason).toBe('own: generate_certs.pl not found on the FMC (6.7.0: 6.x has no fixed hotfix)');
    expect(chooseRenewalGenerator(fmcWith(undefined, false)).reason).toBe('own: generate_certs.pl not found on the FMC (its version could not be read to name the hotfix that brings it)');
    // A script on a release line without a fixed hotfix is not the fixed one.
    const unfixed = chooseRenewalGenerator(fmcWith('7.1.0', true));
    expect(unfixed).toMatchObject({ generator: 'own', vendorAvailable: false });
    expect(unfixed.reason).toContain('7.1.x has no fixed hotfix, so the generate_certs.pl found at /usr/local/sf/bin/generate_certs.pl is not the fixed one');
  });

  it('does use the vendor’s when asked and present, and refuses it where absent, naming the hotfix to install', () => {
    expect(chooseRenewalGenerator(fmcWith('7.4.2.99-5', true), 'vendor')).toMatchObject({ generator: 'vendor', requested: 'vendor' });
    const refused = chooseRenewalGenerator(fmcWith('7.4.1', false), 'vendor');
    expect(refused).toMatchObject({ generator: undefined, vendorAvailable: false });
    expect(refused.remedy).toMatch(/^install hotfix 7\.4\.2\.99-5 \(no FMC reboot needed\) to get generate_certs\.pl, or renew with sftunnel-ca's own generator/);
    expect(formatRenewalGeneratorChoice(refused)).toBe(`generator: vendor refused: generate_certs.pl not found on the FMC (7.4.1: install hotfix 7.4.2.99-5 to get it)\n  what to do: ${refused.remedy ?? ''}`);
    expect(chooseRenewalGenerator(fmcWith('7.1.3', false), 'vendor').remedy).toMatch(/^renew with sftunnel-ca's own generator/);
    expect(chooseRenewalGenerator(fmcWith('7.2.5', false), 'own')).toMatchObject({ generator: 'own', reason: 'own (asked); generate_certs.pl not found on the FMC (7.2.5: install hotfix 7.2.9.99-4 to get it)' });
  });

  it('does refuse in preflight with VENDOR_GENERATOR_UNAVAILABLE, and pass with the reason otherwise', async () => {
    const context = {} as Parameters<ReturnType<typeof renewalGeneratorProbe>['run']>[0];
    const refused = await renewalGeneratorProbe(chooseRenewalGenerator(fmcWith('7.0.4', false), 'vendor')).run(context);
    expect(refused).toMatchObject({ verdict: 'fail', cause: 'VENDOR_GENERATOR_UNAVAILABLE' });
    expect(refused.remedy).toContain('install hotfix 7.0.6.99-9');
    expect(await renewalGeneratorProbe(chooseRenewalGenerator(fmcWith('7.0.4', true), 'vendor')).run(context)).toMatchObject({ verdict: 'pass' });
  });
});

describe('readGenerateCertsConsole', () => {
  it('does read the note’s session: two questions, no refusal, six failed pushes and the FAILED_PUSH it names', () => {
    const read = readGenerateCertsConsole(sharedFixture('generate-certs-run.txt'), 0);
    expect(read).toMatchObject({ questions: 2, refusal: undefined, notFound: false, failedPushFile: '/var/tmp/certs/1728915794/FAILED_PUSH' });
    expect(read.failures).toHaveLength(6);
  });

  it('does tell a refusal before the first question (its own words) from a missing script', () => {
    const refusal = readGenerateCertsConsole('setting log file to /var/log/sf/sfca_generation.log\n\nA critical task (backup) is in progress. Certificates cannot be generated now; try again once it has completed.\n', 1);
    expect(refusal).toMatchObject({ questions: 0, notFound: false, refusal: 'A critical task (backup) is in progress. Certificates cannot be generated now; try again once it has completed.' });
    expect(readGenerateCertsConsole('bash: generate_certs.pl: command not found\n', 127)).toMatchObject({ notFound: true, refusal: undefined });
    expect(readGenerateCertsConsole('', 1).refusal).toBe('it exited 1 without a word');
  });

  it('property: any console reads without throwing, and a refusal is said exactly when it asked nothing and the script was there', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 255 }), (output, code) => {
        const read = readGenerateCertsConsole(output, code);
        expect(read.refusal !== undefined).toBe(read.questions === 0 && !read.notFound);
      }),
      { numRuns: fuzzRuns(), seed: 20 },
    );
  });
});
