// `npm run package`: every language's package, built the way each registry receives it, into dist/:
//   dist/js      the npm tarball
//   dist/python  the wheel and the sdist (built in a fresh venv, checked by twine)
//   dist/java    a local Maven repository with the jar, sources, javadoc and pom
//   dist/go      the Go module (compiled against its dependencies by `go build`)
//   dist/dotnet  the NuGet package where a .NET SDK is installed (the release workflow has one); without one, the C#
//                sources only, generated and not compiled
// The README's examples and every @example are compiled first, in strict mode, so that each language's docs show
// its own language.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireToolchains } from './toolchains.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

requireToolchains(['python', 'java', 'maven', 'go'], 'npm run package');

function run(command, args, what) {
  const started = Date.now();
  // Every JVM of the Java build (Maven's and those it starts) would leave its performance-data folder in the OS temp
  // directory.
  const env = { ...process.env, JAVA_TOOL_OPTIONS: `${process.env.JAVA_TOOL_OPTIONS ?? ''} -XX:-UsePerfData`.trim() };
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`npm run package: ${what} failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
  console.log(`npm run package: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

run('npm', ['run', 'build', '--silent'], 'build: handler bundle, testing entry point, jsii assembly, examples compiled by rosetta');
for (const target of ['js', 'python', 'java', 'go', 'dotnet']) fs.rmSync(path.join(dist, target), { recursive: true, force: true });
const pacmak = [path.join(root, 'scripts', 'jsii-tool.mjs'), 'jsii-pacmak', '--outdir', 'dist', '--no-npmignore', '--no-fingerprint'];
const tablet = ['--rosetta-tablet', '.jsii.tabl.json', '--rosetta-unknown-snippets', 'fail'];
run(
  process.execPath,
  [...pacmak, ...tablet, '--targets', 'js', 'python', 'java', 'go', '--pack-command', 'npm pack --ignore-scripts'],
  'jsii-pacmak: npm, Python, Java and Go packages',
);
const hasDotnet = spawnSync('dotnet', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDotnet) run(process.execPath, [...pacmak, ...tablet, '--targets', 'dotnet'], 'jsii-pacmak: NuGet package');
else {
  console.log('npm run package: no .NET SDK (`dotnet`) here, so dist/dotnet gets the C# sources only, not a NuGet package.');
  run(process.execPath, [...pacmak, ...tablet, '--code-only', '--targets', 'dotnet'], 'jsii-pacmak: C# sources');
}

const listing = (dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .map((f) => path.join(path.relative(root, dir), f))
    : [];
const artifacts = [
  ...listing(path.join(dist, 'js')),
  ...listing(path.join(dist, 'python')),
  ...listing(path.join(dist, 'java')).filter((f) => /\.(jar|pom)$/.test(f)),
  ...listing(path.join(dist, 'dotnet')).filter((f) => /\.s?nupkg$/.test(f)),
];
console.log(`npm run package: artifacts\n  ${artifacts.join('\n  ')}\n  ${path.relative(root, path.join(dist, 'go'))}/ (Go module)`);
