// `npm run test:languages`: the packages `npm run package` builds, used the way each language's CDK users use them.
// For Python, Java and Go, a small app in test/languages/<language> (the README's stack, written in that language)
// is synthesized by the CDK CLI with the language's own app command (its cdk.json), its template is checked, and the
// local runner (testing/cli.ts) applies it against the FinSpace emulator: Create, Update and Delete of both
// settings. The same app with FINSPACE_BAD_PROP=1 must fail synth with the library's validation message. The
// workflows in .github/workflows, if any, are checked by actionlint.
//
//   node scripts/test-languages.mjs [--no-package] [--only=python,java,go]
//
//   --no-package  reuse the packages in dist/ instead of running `npm run package` first
//   --only        test only these languages
//
// aws-cdk-lib: each language gets the newest version its registry serves, up to NEWEST_AWS_CDK_LIB (the newest the
// project tests, in test/support/pack.ts); PyPI and Maven Central publish a release later than npm. Python's pip
// picks it (`aws-cdk-lib<=NEWEST`); Java's pom and Go's go.mod pin it, and must stay within the peer range.
//
// Caches stay where each toolchain keeps them (pip's, ~/.m2, Go's module and build caches) or in
// node_modules/.cache/languages (the Python venv); the cloud assemblies and every temporary file of the tools
// (TMPDIR, java.io.tmpdir) go to node_modules/.cache/languages/run, removed at the end. `npm run package` alone uses
// the usual temporary folder (see below).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireToolchains } from './toolchains.mjs';

const WHAT = 'npm run test:languages';
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const apps = path.join(root, 'test', 'languages');
const work = path.join(root, 'node_modules', '.cache', 'languages');
const runDir = path.join(work, 'run');
const tmpDir = path.join(runDir, 'tmp');
const venv = path.join(work, 'python-venv');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const node24 = path.join(root, 'node_modules', '.cache', 'lambda-node', 'node24', 'bin', 'node');

const LANGUAGES = ['python', 'java', 'go'];
const ACTIONLINT = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';
const GO_MODULE = 'github.com/finspace-user-settings/finspace-user-settings-go/finspaceusersettings';
const ENVIRONMENT_ID = 'r4nd0menv1d';
const ANALYST_USER_ID = 'uAbCdEf0123456789';
const AUDITOR_USER_ID = 'uAuD1t0r000000000001';
const ANALYST_ROLE_ARN = 'arn:aws:iam::123456789012:role/analyst';
const BAD_PROP_MESSAGE =
  /Invalid FinSpaceUserSettings Polyglot\/Bad: userId "u{27}" has 27 characters; FinSpace requires 1 to 26 characters/;

// ---------------------------------------------------------------------------------------------------------------
// Arguments, toolchains, versions

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--no-package' && !a.startsWith('--only='));
if (unknown.length > 0) {
  console.error(`${WHAT}: unknown argument ${unknown.join(' ')}; the options are --no-package and --only=${LANGUAGES.join(',')}.`);
  process.exit(2);
}
const only =
  args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? LANGUAGES;
const badLanguage = only.find((l) => !LANGUAGES.includes(l));
if (badLanguage !== undefined) {
  console.error(`${WHAT}: unknown language "${badLanguage}"; the languages are ${LANGUAGES.join(', ')}.`);
  process.exit(2);
}

requireToolchains(['python', 'java', 'maven', 'go'], WHAT);
for (const tool of ['cdk', 'tsx']) {
  if (!fs.existsSync(bin(tool))) {
    console.error(`${WHAT}: node_modules/.bin/${tool} is missing; run \`npm ci\` first.`);
    process.exit(1);
  }
}

const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const VERSION = packageJson.version;
/** The oldest aws-cdk-lib the library supports: its peer dependency's floor. */
const FLOOR = /^\^?(\d+\.\d+\.\d+)$/.exec(packageJson.peerDependencies?.['aws-cdk-lib'] ?? '')?.[1];
/** The newest aws-cdk-lib the project tests, from its one definition. */
const NEWEST = /export const NEWEST_AWS_CDK_LIB = '([^']+)'/.exec(
  fs.readFileSync(path.join(root, 'test', 'support', 'pack.ts'), 'utf8'),
)?.[1];
if (!FLOOR || !NEWEST) {
  console.error(
    `${WHAT}: ${FLOOR ? 'NEWEST_AWS_CDK_LIB not found in test/support/pack.ts' : "package.json's aws-cdk-lib peer range is not ^x.y.z"}.`,
  );
  process.exit(1);
}
const compareVersions = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

// ---------------------------------------------------------------------------------------------------------------
// Running commands

fs.rmSync(runDir, { recursive: true, force: true });
fs.mkdirSync(tmpDir, { recursive: true });
const tmpBefore = new Set(fs.readdirSync(os.tmpdir()));

/** Every child's temporary files go to tmpDir, removed at the end. */
const baseEnv = {
  ...process.env,
  TMPDIR: tmpDir,
  TMP: tmpDir,
  TEMP: tmpDir,
  // Maven's JVM is also the Java app's (exec:java): its temporary files, the jsii runtime's among them, go to tmpDir,
  // and no JVM performance data goes to /tmp/hsperfdata_<user>.
  MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ''} -Djava.io.tmpdir=${tmpDir} -XX:-UsePerfData`.trim(),
  // The jsii runtimes of Python, Java and Go run the library's JavaScript on JSII_NODE: the project's Node.js 24 when
  // `npm ci` fetched it, as scripts/jsii-tool.mjs does, else this one, whose end-of-life banner would bury the output.
  ...(fs.existsSync(node24)
    ? { JSII_NODE: node24 }
    : { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] }),
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};
delete baseEnv.FINSPACE_BAD_PROP;

/** Runs a command to its end: its exit status and its output (stdout, then stderr). */
function exec(command, commandArgs, { cwd = root, env = baseEnv, timeoutMinutes = 20 } = {}) {
  const result = spawnSync(command, commandArgs, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMinutes * 60_000,
    killSignal: 'SIGKILL',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const status = result.error ? result.error.message : (result.signal ?? result.status);
  return { ok: result.status === 0, status, output, what: [path.relative(root, command) || command, ...commandArgs].join(' ') };
}

/** The end of a command's output, trimmed, for a failure report. */
function tail(output, lines = 40) {
  const all = output
    // eslint-disable-next-line no-control-regex -- ANSI colour codes, which some tools print even with NO_COLOR
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trimEnd()
    .split('\n');
  const shown = all.slice(-lines).map((l) => (l.length > 400 ? `${l.slice(0, 400)} …` : l));
  return `${all.length > lines ? `    … (${all.length - lines} lines before)\n` : ''}${shown.map((l) => `    | ${l}`).join('\n')}`;
}

class CheckFailed extends Error {}

function assert(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** The result, unless the command failed: then the check fails with the command and the end of its output. */
function must(result) {
  assert(result.ok, `\`${result.what}\` exited ${result.status}:\n${tail(result.output)}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

const checks = [];

/** Runs one counted check (a skipped one counts as failed) and prints its outcome. Returns whether it passed. */
function check(name, fn, skipReason) {
  const started = Date.now();
  let problem = skipReason ? `not run: ${skipReason}` : undefined;
  if (!problem) {
    try {
      fn();
    } catch (error) {
      problem = error instanceof CheckFailed ? error.message : `${error?.stack ?? error}`;
    }
  }
  checks.push({ name, ok: !problem });
  console.log(`${problem ? 'FAIL' : 'ok  '} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${problem ? `\n  ${problem}` : ''}`);
  return !problem;
}

const show = (value) => JSON.stringify(value);
const sortKeys = (value) =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys(value[k])]),
        )
      : value;

/** The template of the Polyglot stack of a cloud assembly. */
function readTemplate(assemblyDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const stack = manifest.artifacts?.Polyglot;
  assert(
    stack?.type === 'aws:cloudformation:stack',
    `the assembly has no stack Polyglot (artifacts: ${Object.keys(manifest.artifacts ?? {})})`,
  );
  return JSON.parse(fs.readFileSync(path.join(assemblyDir, stack.properties.templateFile), 'utf8'));
}

/** The template has the two settings, and outputs of the provider's role ARN, its SCP statements and the analyst's userId. */
function checkTemplate(template) {
  const resources = template.Resources ?? {};
  const settings = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::FinSpaceUserSettings');
  assert(settings.length === 2, `expected 2 Custom::FinSpaceUserSettings, found ${settings.length}: ${settings.map(([id]) => id)}`);
  const [analyst, auditor] = [ANALYST_USER_ID, AUDITOR_USER_ID].map((userId) => {
    const found = settings.find(([, r]) => r.Properties?.userId === userId);
    assert(found, `no Custom::FinSpaceUserSettings with userId ${userId}`);
    return found;
  });
  const expected = [
    [
      analyst,
      {
        environmentId: ENVIRONMENT_ID,
        userId: ANALYST_USER_ID,
        type: 'APP_USER',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: ANALYST_ROLE_ARN,
        onDelete: { apiAccess: 'DISABLED' },
      },
    ],
    [auditor, { environmentId: ENVIRONMENT_ID, userId: AUDITOR_USER_ID, apiAccess: 'DISABLED' }],
  ];
  for (const [[logicalId, resource], settingsExpected] of expected) {
    // ServiceToken and ServiceTimeout are the provider's, checked below.
    const { ServiceToken: _token, ServiceTimeout: _timeout, ...actual } = resource.Properties;
    assert(
      show(sortKeys(actual)) === show(sortKeys(settingsExpected)),
      `${logicalId}: ${show(actual)}; expected ${show(settingsExpected)}`,
    );
  }
  const token = analyst[1].Properties.ServiceToken;
  assert(show(token) === show(auditor[1].Properties.ServiceToken), `the two settings have different providers`);
  const handler = token?.['Fn::GetAtt']?.[0];
  assert(resources[handler]?.Type === 'AWS::Lambda::Function', `the ServiceToken ${show(token)} is not a Lambda function's ARN`);

  const outputs = template.Outputs ?? {};
  const output = (name) => {
    assert(outputs[name], `no output ${name} (outputs: ${Object.keys(outputs)})`);
    return outputs[name].Value;
  };
  const roleArn = output('HandlerRoleArn');
  const role = roleArn?.['Fn::GetAtt'];
  assert(
    role?.[1] === 'Arn' && resources[role[0]]?.Type === 'AWS::IAM::Role',
    `output HandlerRoleArn is ${show(roleArn)}, not the Fn::GetAtt Arn of an AWS::IAM::Role`,
  );
  const handlerRole = resources[handler].Properties?.Role?.['Fn::GetAtt']?.[0];
  assert(handlerRole === role[0], `output HandlerRoleArn is the ARN of ${role[0]}, but the handler runs as ${handlerRole}`);
  const userId = output('AnalystUserId');
  const userIdExpected = { 'Fn::GetAtt': [analyst[0], 'userId'] };
  assert(show(userId) === show(userIdExpected), `output AnalystUserId is ${show(userId)}, not ${show(userIdExpected)}`);
  const scp = show(output('ServiceControlPolicyStatements'));
  for (const part of [
    'Deny',
    'FinSpaceUserSettingsHandlerOnlyForItsDeployer',
    'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer',
    // The role by its path (a role's tags do not govern iam:PassRole); the tag guards functions only.
    ':role/finspace-user-settings/',
    'lambda:TagResource',
  ]) {
    assert(scp.includes(part), `output ServiceControlPolicyStatements has no ${part}: ${scp}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The languages: each one's setup returns the environment its app runs in and the aws-cdk-lib it resolved

const distPath = (...parts) => path.join(root, 'dist', ...parts);
const javaArtifact = ['io', 'github', 'finspace-user-settings', 'finspace-user-settings', VERSION];

/** A version the app's own files pin: within the peer range and at most the newest the project tests. */
function pinned(file, pattern, what) {
  const found = pattern.exec(fs.readFileSync(path.join(apps, file), 'utf8'))?.[1];
  assert(
    found && compareVersions(found, FLOOR) >= 0 && compareVersions(found, NEWEST) <= 0,
    `test/languages/${file} pins ${what} ${found ?? '(none)'}; it must be from ${FLOOR} (the peer range) to ${NEWEST} (NEWEST_AWS_CDK_LIB)`,
  );
  return found;
}

const SETUP = {
  python() {
    const dir = distPath('python');
    const wheel =
      fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.startsWith(`finspace_user_settings-${VERSION}-`) && f.endsWith('.whl'));
    assert(wheel, `no wheel of version ${VERSION} in dist/python; run \`npm run package\``);
    // As `source .venv/bin/activate` does: cdk.json's `python3 app.py` runs the venv's Python.
    const env = { ...baseEnv, VIRTUAL_ENV: venv, PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH}` };
    delete env.PYTHONHOME;
    const python = path.join(venv, 'bin', 'python3');
    if (!fs.existsSync(python)) must(exec('python3', ['-m', 'venv', venv]));
    const pip = (...pipArgs) => must(exec(python, ['-m', 'pip', '--disable-pip-version-check', '--no-input', ...pipArgs], { env }));
    const requirements = path.join(apps, 'python', 'requirements.txt');
    pip('install', '-q', '--upgrade', '-r', requirements, `aws-cdk-lib>=${FLOOR},<=${NEWEST}`, path.join(dir, wheel));
    // The wheel's version is the same for every build: reinstall it, so that this build's is the one used.
    pip('install', '-q', '--no-deps', '--force-reinstall', path.join(dir, wheel));
    pip('check');
    const script = 'import importlib.metadata as m; print(m.version("aws-cdk-lib"), m.version("finspace-user-settings"))';
    const [cdk, ours] = must(exec(python, ['-c', script], { env }))
      .output.trim()
      .split(' ');
    assert(ours === VERSION, `the venv has finspace-user-settings ${ours}, not ${VERSION}`);
    return { env, cdk };
  },
  java() {
    assert(fs.existsSync(distPath('java', ...javaArtifact)), `no jar of version ${VERSION} in dist/java; run \`npm run package\``);
    const cdk = pinned('java/pom.xml', /<cdk\.version>([^<]+)<\/cdk\.version>/, 'aws-cdk-lib');
    const ours = /<finspace\.version>([^<]+)<\/finspace\.version>/.exec(fs.readFileSync(path.join(apps, 'java', 'pom.xml'), 'utf8'))?.[1];
    assert(ours === VERSION, `test/languages/java/pom.xml names finspace-user-settings ${ours}, but package.json's version is ${VERSION}`);
    // Maven copies a release from dist/java into its local repository once and never looks at dist/java again: drop
    // that copy, so that this build's jar is the one used.
    const localRepository = process.env.MAVEN_LOCAL_REPOSITORY ?? path.join(os.homedir(), '.m2', 'repository');
    fs.rmSync(path.join(localRepository, ...javaArtifact), { recursive: true, force: true });
    const cwd = path.join(apps, 'java');
    must(exec('mvn', ['-B', '-q', '-e', 'compile'], { cwd }));
    const list = must(
      exec('mvn', ['-B', 'dependency:list', '-DincludeGroupIds=software.amazon.awscdk,io.github.finspace-user-settings'], { cwd }),
    );
    for (const artifact of [
      `software.amazon.awscdk:aws-cdk-lib:jar:${cdk}:`,
      `io.github.finspace-user-settings:finspace-user-settings:jar:${VERSION}:`,
    ]) {
      assert(list.output.includes(artifact), `Maven resolved no ${artifact}:\n${tail(list.output, 15)}`);
    }
    return { env: baseEnv, cdk };
  },
  go() {
    assert(
      fs.existsSync(distPath('go', 'finspaceusersettings', 'go.mod')),
      'no Go module in dist/go/finspaceusersettings; run `npm run package`',
    );
    const cdk = pinned('go/go.mod', /github\.com\/aws\/aws-cdk-go\/awscdk\/v2 v(\S+)/, 'awscdk');
    const cwd = path.join(apps, 'go');
    // Compiles the app and the CDK packages it uses (slow on a cold build cache), so that `go run .` only links.
    const binary = path.join(tmpDir, 'polyglot-go');
    must(exec('go', ['build', '-o', binary, '.'], { cwd, timeoutMinutes: 30 }));
    fs.rmSync(binary, { force: true });
    const modules = must(exec('go', ['list', '-m', 'github.com/aws/aws-cdk-go/awscdk/v2', GO_MODULE], { cwd })).output;
    assert(modules.includes(`github.com/aws/aws-cdk-go/awscdk/v2 v${cdk}\n`), `go resolved:\n${modules}`);
    assert(modules.includes(' => ../../../dist/go/finspaceusersettings\n'), `go resolved ${GO_MODULE} elsewhere than dist/go:\n${modules}`);
    return { env: baseEnv, cdk };
  },
};

const synth = (language, env, outDir) =>
  exec(bin('cdk'), ['synth', '--quiet', '--no-notices', '--output', outDir], { cwd: path.join(apps, language), env });

// ---------------------------------------------------------------------------------------------------------------
// The run

const started = Date.now();
const report = [];
try {
  let packaged = true;
  if (!args.includes('--no-package')) {
    console.log(`${WHAT}: npm run package …`);
    // In the usual temporary folder: jsii-pacmak copies the project into it, which it refuses for a folder inside the
    // project, and removes its copies when done.
    packaged = check('package', () => must(exec('npm', ['run', '--silent', 'package'], { env: process.env, timeoutMinutes: 30 })));
  }

  for (const language of only) {
    console.log(`\n${WHAT}: ${language}`);
    const row = { language, cdk: '-' };
    report.push(row);
    const timed = (key, fn) => () => {
      const s = Date.now();
      try {
        fn();
      } finally {
        row[key] = (Date.now() - s) / 1000;
      }
    };
    let env;
    let template;
    const outDir = path.join(runDir, `${language}.cdk.out`);
    const setupOk = check(
      `${language} setup`,
      timed('setup', () => {
        ({ env, cdk: row.cdk } = SETUP[language]());
        console.log(
          `     aws-cdk-lib ${row.cdk}${row.cdk === NEWEST ? '' : ` (NEWEST_AWS_CDK_LIB is ${NEWEST})`}, finspace-user-settings ${VERSION}`,
        );
      }),
      packaged ? undefined : 'npm run package failed',
    );
    const synthOk = check(
      `${language} synth`,
      timed('synth', () => {
        must(synth(language, env, outDir));
        template = readTemplate(outDir);
      }),
      setupOk ? undefined : 'setup failed',
    );
    check(`${language} template`, () => checkTemplate(template), synthOk ? undefined : 'synth failed');
    check(
      `${language} apply`,
      timed('apply', () => {
        const result = must(exec(bin('tsx'), ['--no-cache', path.join('testing', 'cli.ts'), outDir]));
        assert(/^All 6 steps succeeded\.$/m.test(result.output), `the local runner did not report 6 steps:\n${tail(result.output)}`);
      }),
      synthOk ? undefined : 'synth failed',
    );
    check(
      `${language} bad-prop`,
      timed('badProp', () => {
        const result = synth(language, { ...env, FINSPACE_BAD_PROP: '1' }, path.join(runDir, `${language}.bad.cdk.out`));
        assert(!result.ok, `synth with a 27-character userId exited 0:\n${tail(result.output)}`);
        assert(
          BAD_PROP_MESSAGE.test(result.output),
          `synth failed without the library's message /${BAD_PROP_MESSAGE.source}/:\n${tail(result.output)}`,
        );
      }),
      setupOk ? undefined : 'setup failed',
    );
    fs.rmSync(outDir, { recursive: true, force: true });
  }

  const workflowsDir = path.join(root, '.github', 'workflows');
  const workflows = fs.existsSync(workflowsDir) ? fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)) : [];
  if (workflows.length > 0) {
    console.log(`\n${WHAT}: actionlint on .github/workflows/{${workflows.join(',')}}`);
    check('actionlint', () =>
      must(exec('go', ['run', ACTIONLINT, '-no-color', ...workflows.map((f) => path.join('.github', 'workflows', f))])),
    );
  }
} finally {
  fs.rmSync(runDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// The report

const appeared = fs.readdirSync(os.tmpdir()).filter((f) => !tmpBefore.has(f));
if (appeared.length > 0) {
  // Other processes write there too: a note, not a check.
  console.log(`\nnote: new in ${os.tmpdir()} since the start (from this run or another process): ${appeared.join(', ')}`);
}
console.log(`\n${'seconds'.padEnd(8)} ${['setup', 'synth', 'apply', 'bad-prop'].map((h) => h.padStart(9)).join('')}  aws-cdk-lib`);
for (const row of report) {
  const cell = (key) => (row[key] === undefined ? '-' : row[key].toFixed(1)).padStart(9);
  console.log(`${row.language.padEnd(8)} ${cell('setup')}${cell('synth')}${cell('apply')}${cell('badProp')}  ${row.cdk}`);
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
const failed = checks.filter((c) => !c.ok);
if (failed.length > 0) console.log(`failed: ${failed.map((c) => c.name).join(', ')}`);
console.log(`${checks.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);
