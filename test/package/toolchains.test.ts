/**
 * `npm run test:languages` and `npm run package` on a machine without the other languages' toolchains: a clear
 * message naming each missing one, and exit 1, before any build starts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/pack';

test.each([
  ['npm run test:languages', 'test-languages.mjs', ['--no-package']],
  ['npm run package', 'package.mjs', []],
])('%s without Python, a JDK, Maven or Go names each one and exits 1', (what, script, args) => {
  // A PATH with Node.js alone.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-path-'));
  try {
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = spawnSync(path.join(bin, 'node'), [path.join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT,
      env: { PATH: bin, HOME: process.env.HOME },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    for (const needs of [
      'Python 3.10 or newer with venv and pip (python3)',
      'a JDK 11 or newer (javac)',
      'Apache Maven 3.6 or newer (mvn)',
      'Go 1.25 or newer (go)',
    ]) {
      expect(run.stderr).toContain(`${what}: ${needs} is needed but`);
    }
    expect(run.stderr).toContain(`${what}: install them and put them on PATH, then run it again.`);
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});
