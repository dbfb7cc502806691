import { packageBuild } from '../../tsup.package.js';

// The library, and `./testing`: how the workspace's tests and benchmark reach a lab appliance, kept out of the API.
export default packageBuild({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } });
