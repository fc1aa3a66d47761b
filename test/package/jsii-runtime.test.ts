/**
 * The package as a Python, Java, .NET or Go CDK app uses it: through the jsii runtime's stdio protocol, exactly as
 * those hosts drive it, with the newest aws-cdk-lib this project tests (the build itself uses the floor). The packed
 * tarball and its dependencies' tarballs are loaded into @jsii/runtime; App, Stack, an imported role and two
 * FinSpaceUserSettings are created with props as plain data and enums by reference; the provider comes back from
 * getOrCreate as the library's own type, with its role, function and guardrail readable; the app is synthesized
 * there; the template is checked against the README; and that cdk.out is applied with the local runner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { enumRef, JsiiHost, type ObjRef } from '../support/jsii-host';
import { NEWEST_AWS_CDK_LIB, packedPackage, ROOT } from '../support/pack';

/** The jsii runtime the hosts of jsii 1.140 start (its webpack build is self-contained). */
const JSII_RUNTIME = '@jsii/runtime@1.140.0';
const LIB = 'finspace-user-settings';

/** The version of a package installed in `dir`, as aws-cdk-lib there resolves it. */
function versionOf(name: string, dir: string): string {
  const from = path.join(dir, 'node_modules', 'aws-cdk-lib');
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [from] }), 'utf8')).version;
}

function npmPack(spec: string, into: string): string {
  const out = execFileSync('npm', ['pack', spec, '--prefer-offline', '--json', '--pack-destination', into], {
    cwd: into,
    encoding: 'utf8',
  });
  return path.join(into, JSON.parse(out)[0].filename);
}

test('a jsii host loads the package, synthesizes two FinSpaceUserSettings, and the local runner applies them', async () => {
  const { tarball } = await packedPackage();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-jsii-'));
  let host: JsiiHost | undefined;
  try {
    const runtime = npmPack(JSII_RUNTIME, work);
    execFileSync('tar', ['-xzf', runtime, '-C', work]);
    // The newest aws-cdk-lib and the dependency versions npm resolves for it, as a CDK app would get them.
    const newest = path.join(work, 'newest');
    fs.mkdirSync(newest);
    fs.writeFileSync(path.join(newest, 'package.json'), JSON.stringify({ name: 'newest', version: '1.0.0', private: true }));
    execFileSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', `aws-cdk-lib@${NEWEST_AWS_CDK_LIB}`],
      {
        cwd: newest,
        stdio: 'ignore',
      },
    );
    const dependencies = [
      'constructs',
      '@aws-cdk/asset-awscli-v1',
      '@aws-cdk/asset-node-proxy-agent-v6',
      '@aws-cdk/cloud-assembly-schema',
      'aws-cdk-lib',
    ].map((name) => ({ name, version: versionOf(name, newest) }));
    expect(dependencies.at(-1)).toEqual({ name: 'aws-cdk-lib', version: NEWEST_AWS_CDK_LIB });
    const tarballs = dependencies.map((d) => ({ ...d, tarball: npmPack(`${d.name}@${d.version}`, work) }));

    host = new JsiiHost(path.join(work, 'package', 'webpack', 'bin', 'jsii-runtime.js'));
    expect(await host.hello()).toBe(JSII_RUNTIME);
    for (const { name, version, tarball: file } of tarballs) expect((await host.load(name, version, file)).assembly).toBe(name);
    const ours = await host.load(LIB, require(path.join(ROOT, 'package.json')).version, tarball);
    expect(ours).toEqual({ assembly: LIB, types: 8 });

    const outdir = path.join(work, 'cdk.out');
    const app = await host.create('aws-cdk-lib.App', [{ outdir }]);
    const stack = await host.create('aws-cdk-lib.Stack', [app, 'Polyglot']);
    const role = await host.sinvoke<ObjRef>('aws-cdk-lib.aws_iam.Role', 'fromRoleArn', [
      stack,
      'AnalystRole',
      'arn:aws:iam::123456789012:role/analyst',
    ]);
    const analyst = await host.create(`${LIB}.FinSpaceUserSettings`, [
      stack,
      'Analyst',
      {
        environmentId: 'polyglotenv1',
        userId: 'uAnalyst0000000000001',
        userType: enumRef(`${LIB}.FinSpaceUserType`, 'APP_USER'),
        firstName: 'Grace',
        lastName: 'Hopper',
        apiAccess: enumRef(`${LIB}.ApiAccess`, 'ENABLED'),
        apiAccessPrincipal: role,
        onDelete: { apiAccess: enumRef(`${LIB}.ApiAccess`, 'DISABLED') },
      },
    ]);
    await host.create(`${LIB}.FinSpaceUserSettings`, [
      stack,
      'Auditor',
      { environmentId: 'polyglotenv1', userId: 'uAuditor0000000000001', apiAccess: enumRef(`${LIB}.ApiAccess`, 'DISABLED') },
    ]);
    expect(await host.get<string>(analyst, 'userId')).toMatch(/^\$\{Token\[/);

    // getOrCreate answers the library's own type (jsii's type information survives the build), so its members read.
    const provider = await host.sinvoke<ObjRef>(`${LIB}.FinSpaceUserSettingsProvider`, 'getOrCreate', [stack]);
    // Python passes an empty props struct when no keyword argument is given: the same provider, no conflict.
    expect(await host.sinvoke<ObjRef>(`${LIB}.FinSpaceUserSettingsProvider`, 'getOrCreate', [stack, {}])).toEqual(provider);
    expect(provider['$jsii.byref']).toMatch(new RegExp(`^${LIB}\\.FinSpaceUserSettingsProvider@`));
    const providerRole = await host.get<ObjRef>(provider, 'role');
    expect(providerRole['$jsii.byref']).toMatch(/^aws-cdk-lib\.aws_iam\.Role@/);
    expect(await host.get<string>(providerRole, 'roleArn')).toMatch(/^\$\{Token\[/);
    expect((await host.get<ObjRef>(provider, 'function'))['$jsii.byref']).toMatch(/^aws-cdk-lib\.aws_lambda\.Function@/);
    expect((await host.get<ObjRef>(analyst, 'provider'))['$jsii.byref']).toBe(provider['$jsii.byref']);
    const guardrail = await host.invoke<ObjRef[]>(provider, 'serviceControlPolicyStatements');
    expect(guardrail.map((statement) => statement['$jsii.byref'])).toEqual([
      expect.stringMatching(/^aws-cdk-lib\.aws_iam\.PolicyStatement@/),
      expect.stringMatching(/^aws-cdk-lib\.aws_iam\.PolicyStatement@/),
      expect.stringMatching(/^aws-cdk-lib\.aws_iam\.PolicyStatement@/),
    ]);
    expect(await host.get<string>(guardrail[0], 'effect')).toEqual({ '$jsii.enum': 'aws-cdk-lib.aws_iam.Effect/DENY' });
    expect(await host.sget(`${LIB}.FinSpaceUserSettings`, 'RESOURCE_TYPE')).toBe('Custom::FinSpaceUserSettings');
    expect(await host.sget(`${LIB}.FinSpaceUserSettingsProvider`, 'FINSPACE_IAM_ACTION')).toBe(
      'finspace-api:GetProgrammaticAccessCredentials',
    );
    // A bad value is refused there as here, with the prop and the rule.
    await expect(
      host.create(`${LIB}.FinSpaceUserSettings`, [stack, 'Bad', { environmentId: 'polyglotenv1', userId: 'u'.repeat(27) }]),
    ).rejects.toThrow(/userId "u{27}" has 27 characters; FinSpace requires 1 to 26 characters/);
    await host.invoke(app, 'synth');
    await host.close();
    host = undefined;

    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Polyglot.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: Record<string, unknown> }>;
    const custom = resources.filter((r) => r.Type === 'Custom::FinSpaceUserSettings');
    expect(custom.map((r) => r.Properties.userId)).toEqual(['uAnalyst0000000000001', 'uAuditor0000000000001']);
    expect(custom[0].Properties).toMatchObject({
      type: 'APP_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/analyst',
      onDelete: { apiAccess: 'DISABLED' },
    });
    expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(1);
    const actions = resources
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) =>
        (r.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement.flatMap((s) => [s.Action].flat()),
      )
      .sort();
    expect(actions).toEqual(['finspace-api:GetProgrammaticAccessCredentials', 'logs:CreateLogStream', 'logs:PutLogEvents']);

    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'testing', 'cli.ts'), outdir], {
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('All 6 steps succeeded.');
    expect(run.status).toBe(0);
  } finally {
    await host?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 300_000);
