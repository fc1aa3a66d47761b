// After the run: remove the run's temp folder (see global-setup.js).
const fs = require('node:fs');

module.exports = async () => {
  const runDir = process.env.FINSPACE_TEST_TMPDIR;
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
};
