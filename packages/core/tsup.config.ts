import { packageBuild } from '../../tsup.package.js';

// The library, and `./testing`: what the workspace's tests share (fuzzRuns), kept out of the API.
export default packageBuild({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } });
