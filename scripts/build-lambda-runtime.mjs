// Builds AWS's two pieces for running a Lambda function here as Lambda's images do: the Runtime Interface Emulator (the
// Runtime API and invoke endpoint, a Go program) and the Node.js Runtime Interface Client (which takes invocations from
// that API and calls the handler, a native addon). Neither is published prebuilt for this, so both are built from pinned
// sources (the client against the pinned Node.js 24 of scripts/install-lambda-node.mjs) into node_modules/.cache/
// lambda-runtime or $FINSPACE_LAMBDA_RUNTIME_CACHE: each in a `*.partial-<pid>` folder renamed into place, manifest.json
// last, so an interrupted build never looks finished. Exit 0 built, 1 a build step failed, 3 this machine cannot build
// them. --quiet keeps only the `lambda runtime:` lines (and a failing step's last lines).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const RIE = {
  module: 'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie',
  version: 'v0.0.0-20261030222936-bef5c4ba774d',
};
const RIC = { name: 'aws-lambda-ric', version: '4.0.2' };
/** The tools the client's install scripts run (with node-gyp), and the Debian package of each. Its curl ships a
 * generated `configure` (as new as configure.ac), so autoreconf, and with it autoconf/automake/libtool, never runs. */
const TOOLS = { cc: 'gcc', 'g++': 'g++', make: 'make', cmake: 'cmake', python3: 'python3', xz: 'xz-utils' };

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.resolve(process.env.FINSPACE_LAMBDA_RUNTIME_CACHE || path.join(root, 'node_modules', '.cache', 'lambda-runtime'));
const nodeDir = path.join(root, 'node_modules', '.cache', 'lambda-node', 'node24');
const manifestFile = path.join(cache, 'manifest.json');
const manifest = {
  rie: { binary: 'rie/aws-lambda-rie', version: RIE.version },
  ric: { entry: `ric/node_modules/${RIC.name}/index.mjs`, version: RIC.version },
};
const quiet = process.argv.includes('--quiet');
const stages = new Set(); // partial folders of this run, removed on the way out
let child; // the running build step, told about SIGINT/SIGTERM
let interrupted = false;

/** This machine cannot build the pieces (exit 3); the message says what to install. */
class Cannot extends Error {}

function say(message) {
  console.log(`lambda runtime: ${message}`);
}

function shown(file) {
  const relative = path.relative(root, file);
  return relative.startsWith('..') ? file : relative;
}

function built() {
  try {
    const { rie, ric } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const files = [manifest.rie.binary, manifest.ric.entry].map((file) => path.join(cache, file));
    return rie.version === RIE.version && ric.version === RIC.version && files.every((file) => fs.existsSync(file));
  } catch {
    return false;
  }
}

function which(tool) {
  return spawnSync('sh', ['-c', 'command -v "$0"', tool], { stdio: 'ignore' }).status === 0;
}

/** Runs one build step, streaming its output (unless --quiet) and keeping its tail for when it fails. */
function run(command, args, { cwd = root, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    let output = '';
    child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }); // a process group of its own
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      from.on('data', (chunk) => {
        if (!quiet) to.write(chunk);
        output = (output + chunk).slice(-65536);
      });
    }
    child.on('error', (error) => (output += `\n${error.message}`)); // 'close' follows, with a negative errno
    child.on('close', (code, signal) => {
      child = undefined;
      if (code === 0) return resolve();
      const failure = `${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`})`;
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(new Error(quiet ? `${failure}; its last lines:\n${tail}` : `${failure}; see its output above`));
    });
  });
}

/** Installs the Debian packages of the missing tools, as root or through passwordless sudo. */
async function aptInstall(missing) {
  const packages = [...new Set(missing.map((tool) => TOOLS[tool]))];
  const cannot = new Cannot(`no ${missing.join(', ')} on PATH: install ${packages.join(' ')} (apt-get install ${packages.join(' ')})`);
  const sudo = process.getuid?.() === 0 ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : undefined;
  if (!sudo || !which('apt-get')) throw cannot;
  const [command, ...prefix] = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  const install = () => run(command, [...prefix, 'install', '-y', '--no-install-recommends', ...packages]);
  say(`installing the Debian packages ${packages.join(' ')} for ${missing.join(', ')} (apt-get)`);
  try {
    await install().catch(async () => {
      say('apt-get install failed; updating the package lists and trying again');
      await run(command, [...prefix, 'update']);
      await install();
    });
  } catch (error) {
    console.error(`lambda runtime: ${error.message}`);
    throw cannot;
  }
  if (missing.some((tool) => !which(tool))) throw cannot;
}

async function preflight() {
  if (process.platform !== 'linux')
    throw new Cannot(`they build on Linux only, not ${process.platform}: run this in a Linux container or VM`);
  if (!which('go')) throw new Cannot('no `go` on PATH: install Go 1.26.6 or newer (https://go.dev/dl/)');
  if (!fs.existsSync(path.join(nodeDir, 'bin', 'node')) || !fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h')))
    throw new Cannot(`no pinned Node.js 24 in ${shown(nodeDir)}: run npm ci (or node scripts/install-lambda-node.mjs)`);
  const missing = Object.keys(TOOLS).filter((tool) => !which(tool));
  if (missing.length) await aptInstall(missing);
}

/** A fresh partial folder for one piece, with a TMPDIR of its own so nothing lands in the OS temp directory. */
function stage(piece) {
  const folder = path.join(cache, `${piece}.partial-${process.pid}`);
  fs.mkdirSync(path.join(folder, 'tmp'), { recursive: true });
  stages.add(folder);
  return folder;
}

/** Removes partial folders that interrupted runs (whose process is gone) left behind. */
function sweep() {
  for (const name of fs.readdirSync(cache)) {
    const pid = Number(/\.partial-(\d+)$/.exec(name)?.[1]);
    if (!pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error.code === 'ESRCH') fs.rmSync(path.join(cache, name), { recursive: true, force: true });
    }
  }
}

function place(from, piece) {
  fs.rmSync(path.join(cache, piece), { recursive: true, force: true });
  fs.renameSync(from, path.join(cache, piece));
}

async function buildEmulator() {
  say(`building the Runtime Interface Emulator ${RIE.version} from its Go module (about a minute)`);
  const started = Date.now();
  const folder = stage('rie');
  const env = { ...process.env, GOBIN: folder, CGO_ENABLED: '0', GOTMPDIR: path.join(folder, 'tmp'), TMPDIR: path.join(folder, 'tmp') };
  await run('go', ['install', '-trimpath', `${RIE.module}@${RIE.version}`], { cwd: folder, env });
  fs.rmSync(path.join(folder, 'tmp'), { recursive: true, force: true });
  place(folder, 'rie');
  say(`built the Runtime Interface Emulator in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function buildClient() {
  const node = spawnSync(path.join(nodeDir, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  say(
    `building the Runtime Interface Client ${RIC.name} ${RIC.version} against Node.js ${node} (a few minutes: it compiles curl and aws-lambda-cpp)`,
  );
  const started = Date.now();
  const folder = stage('ric');
  const env = {
    ...process.env,
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
    TMPDIR: path.join(folder, 'tmp'),
  };
  // A global install into the partial folder: --allow-scripts (this npm's gate for dependencies' install scripts) is
  // refused in project-scoped installs, and this way the project's own allowScripts policy is never consulted.
  const args = ['install', '--global', `--prefix=${folder}`, `--allow-scripts=${RIC.name}@${RIC.version}`, '--foreground-scripts'];
  await run('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier', `${RIC.name}@${RIC.version}`], { cwd: folder, env });
  const installed = path.join(folder, 'lib', 'node_modules', RIC.name);
  if (!fs.readdirSync(installed).some((name) => name.endsWith('.node')))
    throw new Error(`${RIC.name}'s install scripts left no native addon (*.node) in it`);
  place(path.join(folder, 'lib'), 'ric');
  say(`built the Runtime Interface Client in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main() {
  if (built()) return say(`already built (${shown(cache)})`);
  await preflight();
  fs.mkdirSync(cache, { recursive: true });
  sweep();
  fs.rmSync(manifestFile, { force: true });
  await buildEmulator();
  await buildClient();
  const partialManifest = `${manifestFile}.partial-${process.pid}`;
  fs.writeFileSync(partialManifest, JSON.stringify(manifest));
  fs.renameSync(partialManifest, manifestFile);
  say(`ready in ${shown(cache)}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    // Stops the whole step (npm's scripts, make, the compilers); between steps, a later run sweeps the partial folders.
    if (!child) process.exit(130);
    process.kill(-child.pid, signal);
  });
}

main()
  .catch((error) => {
    console.error(`lambda runtime: ${error instanceof Cannot ? 'cannot build here: ' : ''}${error.message}`);
    process.exitCode = error instanceof Cannot ? 3 : interrupted ? 130 : 1;
  })
  .finally(() => {
    for (const folder of stages) fs.rmSync(folder, { recursive: true, force: true });
  });
