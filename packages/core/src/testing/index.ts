/**
 * `@sftunnel-ca/core/testing` — what the workspace's tests share: not part of the library's API.
 *
 * @packageDocumentation
 */
export { fuzzRuns } from './fuzz-runs.js';
