#!/usr/bin/env node
/**
 * The files a package ships beside `dist`, written by its `build` script (run in the package's
 * directory): the repository's LICENSE in every package; in core, the error catalogue
 * (`docs/errors.md` → `errors.md`, which the CLI's help names); in the CLI, each JSON schema of
 * its `--json` documents as `schemas/<name>-<version>.json`, from the built `JSON_SCHEMAS`, so
 * that any JSON Schema validator (Python, Ansible…) can use them. They are build outputs, not
 * committed (see .gitignore).
 *
 *   node ../../scripts/package-files.mjs
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDir = process.cwd();
const { name } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));

await copyFile(join(root, 'LICENSE'), join(packageDir, 'LICENSE'));

if (name === '@sftunnel-ca/core') {
  await copyFile(join(root, 'docs', 'errors.md'), join(packageDir, 'errors.md'));
}

if (name === '@sftunnel-ca/cli') {
  const { JSON_SCHEMAS } = await import(pathToFileURL(join(packageDir, 'dist', 'index.js')).href);
  const dir = join(packageDir, 'schemas');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const [id, schema] of Object.entries(JSON_SCHEMAS)) {
    await writeFile(join(dir, schemaFileName(id)), `${JSON.stringify(schema, null, 2)}\n`);
  }
}

/**
 * The file of a schema: its `$id` `sftunnel-ca/<name>/<version>` as `<name>-<version>.json`
 * (`sftunnel-ca/check/v1` → `check-v1.json`). The `$id`, and so the name, never changes for a
 * published version: a changed document shape gets a new version.
 *
 * @param {string} id
 * @returns {string}
 */
function schemaFileName(id) {
  const match = /^sftunnel-ca\/([a-z-]+)\/(v\d+)$/.exec(id);
  if (match === null) throw new Error(`package-files: schema id ${JSON.stringify(id)} is not sftunnel-ca/<name>/v<n>`);
  return `${match[1]}-${match[2]}.json`;
}
