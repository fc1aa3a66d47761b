// Runs a jsii tool (jsii, jsii-pacmak, jsii-docgen) on a Node.js it supports: the Node.js 24 that
// scripts/install-lambda-node.mjs fetched, when there is one, else this Node.js with jsii's end-of-life banner
// silenced for its major version (the tools still work on it; the banner would bury their own output).
// Usage: node scripts/jsii-tool.mjs <package> [args...]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const [tool, ...args] = process.argv.slice(2);
const manifest = require(`${tool}/package.json`);
const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[tool];
const script = path.join(path.dirname(require.resolve(`${tool}/package.json`)), bin);
const node24 = path.join(root, 'node_modules', '.cache', 'lambda-node', 'node24', 'bin', 'node');
const node = fs.existsSync(node24) ? node24 : process.execPath;
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
// The jsii warnings this project silences, each with its reason, are listed in package.json (jsiiSilencedWarnings).
const silenced =
  tool === 'jsii' ? Object.keys(require('./package.json').jsiiSilencedWarnings ?? {}).map((w) => `--silence-warnings=${w}`) : [];
const run = spawnSync(node, [script, ...silenced, ...args], { stdio: 'inherit', env, cwd: root });
process.exit(run.status ?? 1);
