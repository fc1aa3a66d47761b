// Tests run against the real handler bundle: build it once, fresh, before any test.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-handler.mjs')], { stdio: 'inherit' });
};
