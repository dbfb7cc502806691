import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EXPIRY_VERDICT_KINDS } from '@sftunnel-ca/core';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMAS } from './json-schemas.js';

describe('JSON_SCHEMAS', () => {
  it('compiles every schema under ajv’s strict mode, each under its own id', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    for (const schema of Object.values(JSON_SCHEMAS)) ajv.addSchema(schema);
    for (const [id, schema] of Object.entries(JSON_SCHEMAS)) {
      expect(schema.$id).toBe(id);
      expect(ajv.getSchema(id)).toBeTypeOf('function');
    }
  });

  it("lists the expiry verdicts core's expiryVerdict gives, no more, no fewer (the schemas load without core: the CLI's entry stays lean)", () => {
    const check = JSON_SCHEMAS['sftunnel-ca/check/v1'] as unknown as { properties: { verdict: { enum: string[] } } };
    expect([...check.properties.verdict.enum].sort()).toEqual([...EXPIRY_VERDICT_KINDS].sort());
  });
});
