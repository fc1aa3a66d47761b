/**
 * The README's promise for the example app: the real `cdk synth`, with no AWS credentials, prints only FinSpace's
 * end-of-support warning (no notices, no telemetry, no feature-flag nags) and yields the custom resources and one
 * handler function.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

test('npx cdk synth of the example app, offline and without credentials', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-synth-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
  const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', out], { cwd: root, env, encoding: 'utf8', stdio: 'pipe' });
  expect(run.status).toBe(0);
  // The only output is FinSpace's end-of-support warning, once for the stack (no notices, telemetry or flag nags).
  const output = `${run.stdout}${run.stderr}`.trim();
  expect(output.match(/WARNING/g)).toHaveLength(1);
  expect(output).toMatch(
    /^\S+\.ts:\d+:\d+\nWARNING This stack applies Amazon FinSpace user settings\. AWS ended support for Amazon FinSpace on 2026-10-07 /,
  );
  expect(output).toMatch(
    /\n {3}FinSpaceUserSettingsExample( aws-cdk-lib\.Stack)?\n {3}Acknowledge with 'Annotation::finspace-user-settings:FinSpaceEndOfSupport'$/,
  );
  const template = JSON.parse(fs.readFileSync(path.join(out, 'FinSpaceUserSettingsExample.template.json'), 'utf8'));
  const types = Object.values(template.Resources).map((r) => (r as { Type: string }).Type);
  expect(types.filter((t) => t === 'Custom::FinSpaceUserSettings').length).toBeGreaterThanOrEqual(2);
  expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(1);
  fs.rmSync(out, { recursive: true, force: true });
}, 120_000);
