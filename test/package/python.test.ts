/**
 * The Python package jsii-pacmak generates from the assembly: it compiles, and FinSpaceUserSettings takes scope, id
 * and then keyword-only, typed arguments, the way Python CDK apps call constructs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packedPackage, ROOT } from '../support/pack';

test('the generated Python module compiles and exposes FinSpaceUserSettings(scope, id, *, environment_id, user_id, ...)', async () => {
  await packedPackage(); // the .jsii assembly, fresh
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-python-'));
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'jsii-tool.mjs'), 'jsii-pacmak', '--code-only', '--targets', 'python', '--outdir', outdir],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
    const module = path.join(outdir, 'python', 'src', 'finspace_user_settings', '__init__.py');
    execFileSync('python3', ['-m', 'py_compile', module], { env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(outdir, 'pycache') } });
    const source = fs.readFileSync(module, 'utf8');
    const init = source.split('class FinSpaceUserSettings(')[1].split('def __init__(')[1].split(') -> None:')[0];
    const parameters = init
      .split('\n')
      .map((l) => l.trim().replace(/,$/, ''))
      .filter(Boolean);
    expect(parameters.slice(0, 4)).toEqual(['self', 'scope: "_constructs_77d1e7e8.Construct"', 'id: builtins.str', '*']);
    expect(parameters).toEqual(
      expect.arrayContaining([
        'environment_id: builtins.str',
        'user_id: builtins.str',
        'user_type: typing.Optional["FinSpaceUserType"] = None',
        'api_access: typing.Optional["ApiAccess"] = None',
        'api_access_principal: typing.Optional["_aws_cdk_aws_iam_ceddda9d.IRole"] = None',
        'first_name: typing.Optional[builtins.str] = None',
        'last_name: typing.Optional[builtins.str] = None',
        'removal_policy: typing.Optional["_aws_cdk_ceddda9d.RemovalPolicy"] = None',
        'provider: typing.Optional["FinSpaceUserSettingsProvider"] = None',
      ]),
    );
    expect(source).toMatch(/class FinSpaceUserType\(enum\.Enum\):[\s\S]*SUPER_USER = "SUPER_USER"[\s\S]*APP_USER = "APP_USER"/);
    expect(source).toMatch(
      /def invoke_guardrail\(\s*self,\s*\*,\s*cloud_formation_execution_role: typing\.Optional\["_aws_cdk_aws_iam_ceddda9d\.IRole"\] = None,/,
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 300_000);
