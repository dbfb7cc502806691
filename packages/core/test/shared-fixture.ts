import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The domain's sample files, copied from the project's `shared/fixtures/` into `test/fixtures/domain/`. */
const SHARED_FIXTURES = new URL('../../../test/fixtures/domain/', import.meta.url);

/** The text of one file of `shared/fixtures/`, e.g. `sharedFixture('FAILED_PUSH')`. */
export function sharedFixture(name: string): string {
  return readFileSync(new URL(name, SHARED_FIXTURES), 'utf8');
}

/** The path of one file of `shared/fixtures/`, e.g. to run `expiry-check.sh`. */
export function sharedFixturePath(name: string): string {
  return fileURLToPath(new URL(name, SHARED_FIXTURES));
}
