import { describe, expect, it } from 'vitest';
import { CliUsageError } from './cli-usage-error.js';
import { PLAN_FILE_SCHEMA_ID, type PlanFile, type PlanFileOptions } from './plan-file.js';
import { flagsOfPlanFile, planFileOptionsOf } from './plan-file-options.js';

const options: PlanFileOptions = { canary: 1, leaveOut: ['FTD-2', 'FTD-7'], backdate: '12h', generator: null, caKey: null, staging: null, allowUnreachable: false };
const file = { schema: PLAN_FILE_SCHEMA_ID, options } as unknown as PlanFile;

describe('flagsOfPlanFile', () => {
  it('runs with the file’s options when the command line gives none', () => {
    expect(flagsOfPlanFile({ canary: '0' }, file, () => false)).toEqual({ canary: '1', leaveOut: ['FTD-2', 'FTD-7'], backdate: '12h', generator: undefined, caKey: undefined, staging: undefined, allowUnreachable: false });
  });

  it('accepts the same options said again, in another spelling', () => {
    const given = { canary: '1', leaveOut: ['FTD-7,FTD-2'], backdate: '720m' };
    expect(flagsOfPlanFile(given, file, (attribute) => attribute in given)).toMatchObject({ canary: '1', backdate: '12h' });
  });

  it('refuses each option that says otherwise, naming both values', () => {
    const given = { canary: '2', leaveOut: ['FTD-2'], generator: 'vendor' as const, allowUnreachable: true };
    const refuse = (): unknown => flagsOfPlanFile(given, file, (attribute) => attribute in given);
    expect(refuse).toThrow(CliUsageError);
    expect(refuse).toThrow('--canary 2 (the plan file says 1); --leave-out FTD-2 (the plan file says FTD-2,FTD-7); --generator vendor (the plan file says not given); --allow-unreachable true (the plan file says false)');
  });

  it('lets a plan of a new renewal resume with --staging, but not a copy run’s plan change its staging directory', () => {
    expect(flagsOfPlanFile({ staging: '/var/tmp/certs/1' }, file, (a) => a === 'staging').staging).toBe('/var/tmp/certs/1');
    const copyRun = { ...file, options: { ...options, staging: '/var/tmp/certs/1' } } as PlanFile;
    expect(() => flagsOfPlanFile({ staging: '/var/tmp/certs/2' }, copyRun, (a) => a === 'staging')).toThrow('--staging /var/tmp/certs/2 (the plan file says /var/tmp/certs/1)');
  });
});

describe('planFileOptionsOf', () => {
  it('records the options as given, names split and the rest null', () => {
    expect(planFileOptionsOf({ canary: '2', leaveOut: ['a,b', 'c'] })).toEqual({ canary: 2, leaveOut: ['a', 'b', 'c'], backdate: null, generator: null, caKey: null, staging: null, allowUnreachable: false });
  });
});
