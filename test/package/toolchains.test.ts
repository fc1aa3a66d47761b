/**
 * `npm run test:languages` and `npm run package` on a machine without the other languages' toolchains: a clear
 * message naming each missing one, and exit 1, before any build starts. Each runs as its package.json script does.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/pack';

/** The arguments after `node` of a package.json script that runs `node …`, then those given after `--`. */
function scriptArgs(script: string, args: string[]): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
  const [node, ...rest] = scripts[script].split(' ');
  expect(node).toBe('node');
  return [...rest, ...args];
}

test.each([
  ['npm run test:languages', 'test:languages', ['--no-package']],
  ['npm run package', 'package', []],
])('%s without Python, a JDK, Maven or Go names each one and exits 1', (what, script, args) => {
  // A PATH with Node.js alone.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-path-'));
  try {
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const env = { PATH: bin, HOME: process.env.HOME };
    const run = spawnSync(path.join(bin, 'node'), scriptArgs(script, args), { cwd: ROOT, env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const needed = ['Python 3.10 or newer with venv and pip (python3)', 'a JDK 11 or newer (javac)', 'Apache Maven 3.6 or newer (mvn)'];
    for (const needs of [...needed, 'Go 1.25 or newer (go)']) expect(run.stderr).toContain(`${what}: ${needs} is needed but`);
    expect(run.stderr).toContain(`${what}: install them and put them on PATH, then run it again.`);
    // Nothing of the test runner: it stopped before any test.
    expect(run.stdout).toBe('');
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

test.each([
  [['--no-pakage'], 'unknown argument --no-pakage; the options are --no-package and --only=python,java,go.'],
  [['--only=python,ruby'], 'unknown language "ruby"; the languages are python, java, go.'],
])('npm run test:languages -- %j names the wrong argument and exits 2, before checking toolchains', (args, message) => {
  const run = spawnSync(process.execPath, scriptArgs('test:languages', args), { cwd: ROOT, env: { PATH: '' }, encoding: 'utf8' });
  expect(run.stderr).toBe(`npm run test:languages: ${message}\n`);
  expect(run.stdout).toBe('');
  expect(run.status).toBe(2);
});
