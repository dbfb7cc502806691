import { packageBuild } from '../../tsup.package.js';

// shims: import.meta.url in the CJS build (the lab command finds the bin next to dist).
export default packageBuild({ shims: true });
