/**
 * The package as a consumer gets it: `npm pack`, installed into a fresh CDK app in a temp folder (no esbuild, no
 * Docker there), synthesized, and applied with the packaged local runner against the packaged emulator.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeForRuntime } from '../../testing/lambda-node';
import { AWS_RUNTIME } from '../support/lambda-containers';
import { packedPackage } from '../support/pack';

const CONSUMER_APP = `
const { App, Stack } = require('aws-cdk-lib');
const { FinSpaceUserSettings, ApiAccess, FinSpaceUserType } = require('finspace-user-settings');
const { FinSpaceEmulator } = require('finspace-user-settings/testing');
if (typeof FinSpaceEmulator.start !== 'function') throw new Error('testing entry point without FinSpaceEmulator');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer');
new FinSpaceUserSettings(stack, 'Quant', { environmentId: 'consumerenv1', userId: 'uQuant000000000000001', userType: FinSpaceUserType.APP_USER, apiAccess: ApiAccess.ENABLED });
new FinSpaceUserSettings(stack, 'Risk', { environmentId: 'consumerenv1', userId: 'uRisk0000000000000001', apiAccess: ApiAccess.DISABLED });
app.synth();
`;

/** The lowest aws-cdk-lib the package declares (peerDependencies): what this test installs, to prove it holds. */
const PEER_FLOOR = require('../../package.json').peerDependencies['aws-cdk-lib'].replace(/^\^/, '');

test('npm pack, install into a fresh CDK app on the lowest aws-cdk-lib it declares, synth, and apply locally', async () => {
  const { tarball, files } = await packedPackage();
  expect(files).toEqual(
    expect.arrayContaining([
      '.jsii',
      'API.md',
      'CHANGELOG.md',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/testing/index.js',
      'assets/finspace-user-settings-handler/index.js',
    ]),
  );
  expect(files.filter((f) => f.startsWith('lambda/') || f.startsWith('test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-consumer-'));
  try {
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    fs.writeFileSync(path.join(app, 'app.js'), CONSUMER_APP);
    execFileSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `aws-cdk-lib@${PEER_FLOOR}`, 'constructs@10'],
      { cwd: app, stdio: 'ignore' },
    );
    expect(JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version).toBe(PEER_FLOOR);
    expect(fs.existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);

    execFileSync(process.execPath, ['app.js'], { cwd: app, env: { PATH: process.env.PATH } });
    const template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Consumer.template.json'), 'utf8'));
    const types = Object.values(template.Resources).map((r) => (r as { Type: string }).Type);
    expect(types.filter((t) => t === 'Custom::FinSpaceUserSettings')).toHaveLength(2);
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(1);

    // The packaged runner, on the runtime's Node.js (a consumer points it at one with FINSPACE_LOCAL_LAMBDA_NODE). The
    // package has no build of AWS's runtime pieces: the runner says so and what to set, and runs on the imitation.
    const node24 = nodeForRuntime('nodejs24.x');
    const { FINSPACE_LOCAL_LAMBDA_RUNTIME: _mode, ...env } = process.env;
    const runner = (extra: Record<string, string> = {}) =>
      spawnSync(path.join(app, 'node_modules', '.bin', 'finspace-user-settings-local'), ['cdk.out'], {
        cwd: app,
        encoding: 'utf8',
        env: { ...env, FINSPACE_LOCAL_LAMBDA_NODE: node24.path, ...extra },
      });
    const run = runner();
    expect(run.stdout).toContain(`on Node.js ${node24.version} (the template's nodejs24.x)`);
    expect(run.stdout).toContain(
      "Lambda runtime: the imitation of Lambda's Node.js runtime (testing/local-lambda.ts): AWS's runtime interface emulator and client are not part of the package: set FINSPACE_LOCAL_LAMBDA_RIE",
    );
    expect(run.stdout).toContain('All 6 steps succeeded.');
    expect(run.status).toBe(0);
    // Pointed at pieces of its own (here, this checkout's build), it runs under them.
    if (AWS_RUNTIME.pieces) {
      const { rie, ricEntry } = AWS_RUNTIME.pieces;
      const own = runner({ FINSPACE_LOCAL_LAMBDA_RIE: rie, FINSPACE_LOCAL_LAMBDA_RIC: path.dirname(ricEntry) });
      expect(own.stdout).toContain(`Lambda runtime: AWS's Lambda Runtime Interface Emulator from ${rie} with aws-lambda-ric 4.0.2`);
      expect(own.stdout).toContain('All 6 steps succeeded.');
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 300_000);
