/**
 * The package as a consumer gets it: `npm pack`, installed into a fresh CDK app in a temp folder (no esbuild, no
 * Docker there), synthesized, and applied with the packaged local runner against the packaged emulator.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
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

test('npm pack, install into a fresh CDK app, synth, and apply locally', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-consumer-'));
  try {
    // The bundle is already built (jest's global setup); compile the library and pack without rebuilding it.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
    );
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/testing/index.js',
        'assets/finspace-user-settings-handler/index.js',
      ]),
    );
    expect(files.filter((f) => f.startsWith('lambda/') || f.startsWith('test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual(
      [],
    );

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    fs.writeFileSync(path.join(app, 'app.js'), CONSUMER_APP);
    const cdkVersion = require('aws-cdk-lib/package.json').version;
    execFileSync(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        path.join(work, packed[0].filename),
        `aws-cdk-lib@${cdkVersion}`,
        'constructs@10',
      ],
      {
        cwd: app,
        stdio: 'ignore',
      },
    );
    expect(fs.existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);

    execFileSync(process.execPath, ['app.js'], { cwd: app, env: { PATH: process.env.PATH } });
    const template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'Consumer.template.json'), 'utf8'));
    const types = Object.values(template.Resources).map((r) => (r as { Type: string }).Type);
    expect(types.filter((t) => t === 'Custom::FinSpaceUserSettings')).toHaveLength(2);
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(1);

    const run = spawnSync(path.join(app, 'node_modules', '.bin', 'finspace-user-settings-local'), ['cdk.out'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('All 6 steps succeeded.');
    expect(run.status).toBe(0);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 180_000);
