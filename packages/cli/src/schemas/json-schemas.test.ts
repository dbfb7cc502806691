import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
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
});
