import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { JSON_SCHEMAS, type JsonSchemaId } from '../src/schemas/json-schemas.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const schema of Object.values(JSON_SCHEMAS)) ajv.addSchema(schema);

/** Asserts that `document` is valid against the CLI's published schema `id`. */
export function expectValidDocument(id: JsonSchemaId, document: unknown): void {
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`no schema ${id}`);
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
}
