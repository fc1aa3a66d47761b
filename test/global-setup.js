// Before any test: build the handler bundle fresh (the end-to-end tests run it), AWS's Lambda runtime interface
// emulator and client once where this machine can (the end-to-end tests run the bundle under them; without them, on
// the imitation), and give this run a temp folder of its own. Everything a test or a child process puts in the OS temp
// directory (cdk.out of `new App()`, synth output, caches of tools) lands there instead, and the teardown removes it,
// so a run leaves nothing behind.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'assets', 'finspace-user-settings-handler', 'index.js');

/** `always` for npm test; `if-missing` for mutation testing, which runs jest once per mutant and no test of the bundle. */
const setup = (build) => async () => {
  if (build === 'always' || !fs.existsSync(BUNDLE))
    execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-handler.mjs')], { stdio: 'inherit' });
  // At once when built; exit 3 (this machine cannot build them) and 1 (a step failed) say why, and the tests run on the imitation.
  if (build === 'always' && process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME !== 'imitation')
    spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-lambda-runtime.mjs'), '--quiet'], { stdio: 'inherit' });
  const root = path.join(__dirname, '..', 'node_modules', '.cache', 'finspace-test-tmp');
  fs.mkdirSync(root, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(root, 'run-'));
  process.env.FINSPACE_TEST_TMPDIR = runDir;
  // Workers and every child process inherit it; os.tmpdir() reads it.
  process.env.TMPDIR = runDir;
};

module.exports = setup('always');
module.exports.setup = setup;
