// `npm run test:languages`: node:test tests of the packages `npm run package` builds, used as each language's CDK users
// use them. For Python, Java and Go, the app in test/languages/<language> is synthesized with its own cdk.json command,
// its template checked, applied by the local runner, and must fail synth with a bad prop; actionlint checks the workflows.
//
//   npm run test:languages -- [--no-package] [--only=python,java,go]
//
//   --no-package  reuse the packages in dist/ instead of running `npm run package` first
//   --only        test only these languages
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
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
// Arguments, toolchains, versions: a wrong one exits (2 for an argument, 1 for the machine) before any test runs

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

// aws-cdk-lib: each language gets the newest version its registry serves, up to NEWEST_AWS_CDK_LIB (the newest the
// project tests, in test/support/pack.ts); PyPI and Maven Central publish a release later than npm. Python's pip picks
// it (`aws-cdk-lib<=NEWEST`); Java's pom and Go's go.mod pin it, and must stay within the peer range.
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
//
// Caches stay where each toolchain keeps them (pip's, ~/.m2, Go's module and build caches) or in
// node_modules/.cache/languages (the Python venv); the cloud assemblies and every temporary file of the tools
// (TMPDIR, java.io.tmpdir) go to node_modules/.cache/languages/run, removed at the end. `npm run package` alone uses
// the usual temporary folder (see its test).

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

/**
 * Runs a command to its end: its exit status and its output (stdout, then stderr). Asynchronous, so that the test
 * runner reports each step as it ends, not all of them at the end.
 */
function exec(command, commandArgs, { cwd = root, env = baseEnv, timeoutMinutes = 20 } = {}) {
  const what = [path.relative(root, command) || command, ...commandArgs].join(' ');
  const timeout = timeoutMinutes * 60_000;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout, killSignal: 'SIGKILL' });
    const output = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr']) child[stream].setEncoding('utf8').on('data', (data) => (output[stream] += data));
    let error;
    child.on('error', (e) => (error = e));
    // 'close' follows 'error' too (a command that does not exist), once the output streams are read to their end.
    child.on('close', (code, signal) => {
      const timedOut = signal !== null && Date.now() - started >= timeout;
      const status = error?.message ?? (timedOut ? `${signal} after ${timeoutMinutes} minutes` : (signal ?? code));
      resolve({ ok: code === 0, status, output: `${output.stdout}${output.stderr}`, what });
    });
  });
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

/** The result, unless the command failed: then the test fails with the command and the end of its output. */
function must(result) {
  assert.ok(result.ok, `\`${result.what}\` exited ${result.status}:\n${tail(result.output)}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

const show = (value) => JSON.stringify(value);

/** The template of the Polyglot stack of a cloud assembly. */
function readTemplate(assemblyDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const stack = manifest.artifacts?.Polyglot;
  assert.ok(
    stack?.type === 'aws:cloudformation:stack',
    `the assembly has no stack Polyglot (artifacts: ${Object.keys(manifest.artifacts ?? {})})`,
  );
  return JSON.parse(fs.readFileSync(path.join(assemblyDir, stack.properties.templateFile), 'utf8'));
}

/** The template has the two settings, and outputs of the provider's role ARN, its SCP statements and the analyst's userId. */
function checkTemplate(template) {
  const resources = template.Resources ?? {};
  const settings = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::FinSpaceUserSettings');
  assert.equal(settings.length, 2, `expected 2 Custom::FinSpaceUserSettings, found ${settings.length}: ${settings.map(([id]) => id)}`);
  const [analyst, auditor] = [ANALYST_USER_ID, AUDITOR_USER_ID].map((userId) => {
    const found = settings.find(([, r]) => r.Properties?.userId === userId);
    assert.ok(found, `no Custom::FinSpaceUserSettings with userId ${userId}`);
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
    assert.deepEqual(actual, settingsExpected, `${logicalId}: ${show(actual)}; expected ${show(settingsExpected)}`);
  }
  const token = analyst[1].Properties.ServiceToken;
  assert.deepEqual(token, auditor[1].Properties.ServiceToken, `the two settings have different providers`);
  const handler = token?.['Fn::GetAtt']?.[0];
  assert.equal(resources[handler]?.Type, 'AWS::Lambda::Function', `the ServiceToken ${show(token)} is not a Lambda function's ARN`);

  const outputs = template.Outputs ?? {};
  const output = (name) => {
    assert.ok(outputs[name], `no output ${name} (outputs: ${Object.keys(outputs)})`);
    return outputs[name].Value;
  };
  const roleArn = output('HandlerRoleArn');
  const role = roleArn?.['Fn::GetAtt'];
  assert.ok(
    role?.[1] === 'Arn' && resources[role[0]]?.Type === 'AWS::IAM::Role',
    `output HandlerRoleArn is ${show(roleArn)}, not the Fn::GetAtt Arn of an AWS::IAM::Role`,
  );
  const handlerRole = resources[handler].Properties?.Role?.['Fn::GetAtt']?.[0];
  assert.equal(handlerRole, role[0], `output HandlerRoleArn is the ARN of ${role[0]}, but the handler runs as ${handlerRole}`);
  const userId = output('AnalystUserId');
  const userIdExpected = { 'Fn::GetAtt': [analyst[0], 'userId'] };
  assert.deepEqual(userId, userIdExpected, `output AnalystUserId is ${show(userId)}, not ${show(userIdExpected)}`);
  const scp = show(output('ServiceControlPolicyStatements'));
  for (const part of [
    'Deny',
    'FinSpaceUserSettingsHandlerOnlyForItsDeployer',
    'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer',
    // The role by its path (a role's tags do not govern iam:PassRole); the tag guards functions only.
    ':role/finspace-user-settings/',
    'lambda:TagResource',
  ]) {
    assert.ok(scp.includes(part), `output ServiceControlPolicyStatements has no ${part}: ${scp}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The languages: each one's setup returns the environment its app runs in and the aws-cdk-lib it resolved

const distPath = (...parts) => path.join(root, 'dist', ...parts);
const javaArtifact = ['io', 'github', 'finspace-user-settings', 'finspace-user-settings', VERSION];

/** A version the app's own files pin: within the peer range and at most the newest the project tests. */
function pinned(file, pattern, what) {
  const found = pattern.exec(fs.readFileSync(path.join(apps, file), 'utf8'))?.[1];
  assert.ok(
    found && compareVersions(found, FLOOR) >= 0 && compareVersions(found, NEWEST) <= 0,
    `test/languages/${file} pins ${what} ${found ?? '(none)'}; it must be from ${FLOOR} (the peer range) to ${NEWEST} (NEWEST_AWS_CDK_LIB)`,
  );
  return found;
}

const SETUP = {
  async python() {
    const dir = distPath('python');
    const wheel =
      fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.startsWith(`finspace_user_settings-${VERSION}-`) && f.endsWith('.whl'));
    assert.ok(wheel, `no wheel of version ${VERSION} in dist/python; run \`npm run package\``);
    // As `source .venv/bin/activate` does: cdk.json's `python3 app.py` runs the venv's Python.
    const env = { ...baseEnv, VIRTUAL_ENV: venv, PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH}` };
    delete env.PYTHONHOME;
    const python = path.join(venv, 'bin', 'python3');
    if (!fs.existsSync(python)) must(await exec('python3', ['-m', 'venv', venv]));
    const pip = async (...pipArgs) =>
      must(await exec(python, ['-m', 'pip', '--disable-pip-version-check', '--no-input', ...pipArgs], { env }));
    const requirements = path.join(apps, 'python', 'requirements.txt');
    await pip('install', '-q', '--upgrade', '-r', requirements, `aws-cdk-lib>=${FLOOR},<=${NEWEST}`, path.join(dir, wheel));
    // The wheel's version is the same for every build: reinstall it, so that this build's is the one used.
    await pip('install', '-q', '--no-deps', '--force-reinstall', path.join(dir, wheel));
    await pip('check');
    const script = 'import importlib.metadata as m; print(m.version("aws-cdk-lib"), m.version("finspace-user-settings"))';
    const [cdk, ours] = must(await exec(python, ['-c', script], { env }))
      .output.trim()
      .split(' ');
    assert.equal(ours, VERSION, `the venv has finspace-user-settings ${ours}, not ${VERSION}`);
    return { env, cdk };
  },
  async java() {
    assert.ok(fs.existsSync(distPath('java', ...javaArtifact)), `no jar of version ${VERSION} in dist/java; run \`npm run package\``);
    const cdk = pinned('java/pom.xml', /<cdk\.version>([^<]+)<\/cdk\.version>/, 'aws-cdk-lib');
    const ours = /<finspace\.version>([^<]+)<\/finspace\.version>/.exec(fs.readFileSync(path.join(apps, 'java', 'pom.xml'), 'utf8'))?.[1];
    assert.equal(
      ours,
      VERSION,
      `test/languages/java/pom.xml names finspace-user-settings ${ours}, but package.json's version is ${VERSION}`,
    );
    // Maven copies a release from dist/java into its local repository once and never looks at dist/java again: drop
    // that copy, so that this build's jar is the one used.
    const localRepository = process.env.MAVEN_LOCAL_REPOSITORY ?? path.join(os.homedir(), '.m2', 'repository');
    fs.rmSync(path.join(localRepository, ...javaArtifact), { recursive: true, force: true });
    const cwd = path.join(apps, 'java');
    must(await exec('mvn', ['-B', '-q', '-e', 'compile'], { cwd }));
    const list = must(
      await exec('mvn', ['-B', 'dependency:list', '-DincludeGroupIds=software.amazon.awscdk,io.github.finspace-user-settings'], { cwd }),
    );
    for (const artifact of [
      `software.amazon.awscdk:aws-cdk-lib:jar:${cdk}:`,
      `io.github.finspace-user-settings:finspace-user-settings:jar:${VERSION}:`,
    ]) {
      assert.ok(list.output.includes(artifact), `Maven resolved no ${artifact}:\n${tail(list.output, 15)}`);
    }
    return { env: baseEnv, cdk };
  },
  async go() {
    assert.ok(
      fs.existsSync(distPath('go', 'finspaceusersettings', 'go.mod')),
      'no Go module in dist/go/finspaceusersettings; run `npm run package`',
    );
    const cdk = pinned('go/go.mod', /github\.com\/aws\/aws-cdk-go\/awscdk\/v2 v(\S+)/, 'awscdk');
    const cwd = path.join(apps, 'go');
    // Compiles the app and the CDK packages it uses (slow on a cold build cache), so that `go run .` only links.
    const binary = path.join(tmpDir, 'polyglot-go');
    must(await exec('go', ['build', '-o', binary, '.'], { cwd, timeoutMinutes: 30 }));
    fs.rmSync(binary, { force: true });
    const modules = must(await exec('go', ['list', '-m', 'github.com/aws/aws-cdk-go/awscdk/v2', GO_MODULE], { cwd })).output;
    assert.ok(modules.includes(`github.com/aws/aws-cdk-go/awscdk/v2 v${cdk}\n`), `go resolved:\n${modules}`);
    assert.ok(
      modules.includes(' => ../../../dist/go/finspaceusersettings\n'),
      `go resolved ${GO_MODULE} elsewhere than dist/go:\n${modules}`,
    );
    return { env: baseEnv, cdk };
  },
};

const synth = (language, env, outDir) =>
  exec(bin('cdk'), ['synth', '--quiet', '--no-notices', '--output', outDir], { cwd: path.join(apps, language), env });

// ---------------------------------------------------------------------------------------------------------------
// The tests, in this order; a step whose needs did not pass is skipped, so one failure does not bury the others

/** A test that runs only when the steps it needs passed, else is skipped naming the one that did not. */
function step(name, needs, fn) {
  const outcome = { name, passed: false };
  test(name, async (t) => {
    const failed = needs.find((need) => !need.passed);
    if (failed) return t.skip(`${failed.name} failed`);
    await fn(t);
    outcome.passed = true;
  });
  return outcome;
}

const started = Date.now();
/** Each language's seconds per step and the aws-cdk-lib it resolved, reported at the end. */
const rows = [];

// In the usual temporary folder: jsii-pacmak copies the project into it, which it refuses for a folder inside the
// project, and removes its copies when done.
const packaged = args.includes('--no-package')
  ? []
  : [
      step('npm run package', [], async () =>
        must(await exec('npm', ['run', '--silent', 'package'], { env: process.env, timeoutMinutes: 30 })),
      ),
    ];

for (const language of only) {
  describe(language, () => {
    const row = { language, cdk: '-' };
    rows.push(row);
    const timed = async (key, fn) => {
      const s = Date.now();
      try {
        return await fn();
      } finally {
        row[key] = (Date.now() - s) / 1000;
      }
    };
    let env;
    let template;
    const outDir = path.join(runDir, `${language}.cdk.out`);
    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    const setup = step('setup', packaged, async (t) => {
      ({ env, cdk: row.cdk } = await timed('setup', () => SETUP[language]()));
      t.diagnostic(
        `aws-cdk-lib ${row.cdk}${row.cdk === NEWEST ? '' : ` (NEWEST_AWS_CDK_LIB is ${NEWEST})`}, finspace-user-settings ${VERSION}`,
      );
    });
    const synthesized = step('synth', [setup], () =>
      timed('synth', async () => {
        must(await synth(language, env, outDir));
        template = readTemplate(outDir);
      }),
    );
    step('template', [synthesized], () => checkTemplate(template));
    step('create/update/delete via local runner', [synthesized], () =>
      timed('apply', async () => {
        const result = must(await exec(bin('tsx'), ['--no-cache', path.join('testing', 'cli.ts'), outDir]));
        assert.match(result.output, /^All 6 steps succeeded\.$/m, `the local runner did not report 6 steps:\n${tail(result.output)}`);
      }),
    );
    step('bad prop fails synth', [setup], () =>
      timed('badProp', async () => {
        const result = await synth(language, { ...env, FINSPACE_BAD_PROP: '1' }, path.join(runDir, `${language}.bad.cdk.out`));
        assert.ok(!result.ok, `synth with a 27-character userId exited 0:\n${tail(result.output)}`);
        assert.match(
          result.output,
          BAD_PROP_MESSAGE,
          `synth failed without the library's message /${BAD_PROP_MESSAGE.source}/:\n${tail(result.output)}`,
        );
      }),
    );
  });
}

const workflowsDir = path.join(root, '.github', 'workflows');
const workflows = fs.existsSync(workflowsDir) ? fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)) : [];
if (workflows.length > 0) {
  test(`actionlint on .github/workflows/{${workflows.join(',')}}`, async () =>
    must(await exec('go', ['run', ACTIONLINT, '-no-color', ...workflows.map((f) => path.join('.github', 'workflows', f))])));
}

// The end, however the tests went: the temporary files go, and the timings are reported (as the runner's
// diagnostics, so that they come after the last test's result, before the counts).
after((t) => {
  fs.rmSync(runDir, { recursive: true, force: true });
  const appeared = fs.readdirSync(os.tmpdir()).filter((f) => !tmpBefore.has(f));
  if (appeared.length > 0) {
    // Other processes write there too: a note, not a check.
    t.diagnostic(`note: new in ${os.tmpdir()} since the start (from this run or another process): ${appeared.join(', ')}`);
  }
  t.diagnostic(`${'seconds'.padEnd(8)} ${['setup', 'synth', 'apply', 'bad-prop'].map((h) => h.padStart(9)).join('')}  aws-cdk-lib`);
  for (const row of rows) {
    const cell = (key) => (row[key] === undefined ? '-' : row[key].toFixed(1)).padStart(9);
    t.diagnostic(`${row.language.padEnd(8)} ${cell('setup')}${cell('synth')}${cell('apply')}${cell('badProp')}  ${row.cdk}`);
  }
  t.diagnostic(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
});
