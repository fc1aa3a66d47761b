/**
 * The packages jsii-pacmak generates for the other CDK languages, from the assembly and the compiled examples
 * (generated once, as sources): the Python module compiles and takes keyword-only, typed arguments; each language's
 * docs show that language, not TypeScript; the .NET namespace is shadowed by no type; and the Go module requires the
 * aws-cdk-lib floor the package declares. `npm run test:languages` builds and runs them with their own toolchains.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packedPackage, ROOT } from '../support/pack';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let outdir: string;

beforeAll(async () => {
  await packedPackage(); // the .jsii assembly and the examples' tablet, fresh
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-pacmak-'));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'scripts', 'jsii-tool.mjs'),
      'jsii-pacmak',
      '--code-only',
      '--no-npmignore',
      '--no-fingerprint',
      '--rosetta-tablet',
      '.jsii.tabl.json',
      '--rosetta-unknown-snippets',
      'fail',
      '--targets',
      'python',
      'java',
      'go',
      'dotnet',
      '--outdir',
      outdir,
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
}, 300_000);

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Every file under `dir` whose name matches `pattern`. */
const filesUnder = (dir: string, pattern: RegExp): string[] =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => pattern.test(f)).map((f) => path.join(dir, f));

/** The language of each code block in a Markdown text (every other fence line opens one). */
function codeFences(readme: string): string[] {
  return [...readme.matchAll(/^```(\S*)/gm)].filter((_, i) => i % 2 === 0).map((m) => m[1]);
}

/** TypeScript that would show where another language's code should be. */
const TYPESCRIPT = [/^```(ts|typescript)\b/m, /^import \{[^}]*\} from '/m, /^const \w+ = new /m, /\bnew FinSpaceUserSettings\(this, '/];

test('the generated Python module compiles and exposes FinSpaceUserSettings(scope, id, *, environment_id, user_id, ...)', () => {
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
      'provider: typing.Optional["IFinSpaceUserSettingsProvider"] = None',
    ]),
  );
  expect(source).toMatch(/class FinSpaceUserType\(enum\.Enum\):[\s\S]*SUPER_USER = "SUPER_USER"[\s\S]*APP_USER = "APP_USER"/);
  expect(source).toMatch(
    /def service_control_policy_statements\(\s*self,?\s*\) -> typing\.List\["_aws_cdk_aws_iam_ceddda9d\.PolicyStatement"\]:/,
  );
  const getOrCreate = source.split('def get_or_create(')[1].split(') -> "FinSpaceUserSettingsProvider":')[0];
  for (const parameter of [
    'cloud_formation_execution_role: typing.Optional["_aws_cdk_aws_iam_ceddda9d.IRole"] = None',
    'invoke_protection: typing.Optional[builtins.bool] = None',
    'response_url_stand_in: typing.Optional[builtins.str] = None',
  ])
    expect(getOrCreate).toContain(parameter);
});

test.each([
  ['python', 'python/README.md', 'python', /FinSpaceUserSettings\(self, "Analyst",\s+environment_id="r4nd0menv1d"/],
  ['go', 'go/finspaceusersettings/README.md', 'go', /finspaceusersettings\.NewFinSpaceUserSettings\(/],
])('the %s README shows its own language, not TypeScript', (_language, file, fence, usage) => {
  const readme = fs.readFileSync(path.join(outdir, file), 'utf8');
  expect(readme).toMatch(usage);
  const fences = codeFences(readme);
  expect(fences.filter((f) => f === fence).length).toBeGreaterThanOrEqual(3);
  expect(fences).not.toContain('ts');
  expect(fences).not.toContain('typescript');
  for (const pattern of TYPESCRIPT) expect([file, pattern.source, pattern.test(readme)]).toEqual([file, pattern.source, false]);
});

test('the Java and C# API docs show their own language in the examples', () => {
  const java = fs.readFileSync(filesUnder(path.join(outdir, 'java'), /FinSpaceUserSettings\.java$/)[0], 'utf8');
  expect(java).toMatch(/FinSpaceUserSettings analyst = FinSpaceUserSettings\.Builder\.create\(this, "Analyst"\)/);
  const csharp = fs.readFileSync(filesUnder(path.join(outdir, 'dotnet'), /[\\/]FinSpaceUserSettings\.cs$/)[0], 'utf8');
  expect(csharp).toMatch(/new FinSpaceUserSettings\(this, "Analyst", new FinSpaceUserSettingsProps \{/);
  for (const source of [java, csharp]) expect(source).not.toMatch(/new FinSpaceUserSettings\(this, 'Analyst'/);
});

test('the .NET namespace is shadowed by no type, and every C# source declares it', () => {
  const namespace: string = manifest.jsii.targets.dotnet.namespace;
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')) as { types: Record<string, { name: string }> };
  // C# resolves `A.B` in `namespace A.B { class A {} }` to the class A (CS0426), and `using A; new A()` is CS0118.
  const typeNames = new Set(Object.values(assembly.types).flatMap((t) => [t.name, `I${t.name}`]));
  expect(namespace.split('.').filter((segment) => typeNames.has(segment))).toEqual([]);
  const sources = filesUnder(path.join(outdir, 'dotnet'), /\.cs$/).filter((f) => !f.endsWith('AssemblyInfo.cs'));
  expect(sources.length).toBeGreaterThan(8);
  for (const source of sources)
    expect([source, fs.readFileSync(source, 'utf8')]).toEqual([
      source,
      expect.stringMatching(new RegExp(`^namespace ${namespace.replace(/\./g, '\\.')}(\\.\\w+)*$`, 'm')),
    ]);
});

test('the Go module requires the aws-cdk-lib and constructs floors the package declares', () => {
  const goMod = fs.readFileSync(path.join(outdir, 'go', 'finspaceusersettings', 'go.mod'), 'utf8');
  const floor = (name: string) => manifest.peerDependencies[name].replace(/^\^/, '');
  expect(goMod).toContain(`github.com/aws/aws-cdk-go/awscdk/v2 v${floor('aws-cdk-lib')}\n`);
  expect(goMod).toContain(`github.com/aws/constructs-go/constructs/v10 v${floor('constructs')}\n`);
  expect(manifest.devDependencies['aws-cdk-lib']).toBe(floor('aws-cdk-lib'));
  expect(manifest.devDependencies.constructs).toBe(floor('constructs'));
});
