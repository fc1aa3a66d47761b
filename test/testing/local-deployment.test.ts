/**
 * End to end: the runner applies a synthesized fixture app with the handler asset, in Lambda-like containers, against
 * the emulator; and the CLI behind `npm start` (testing/cli.ts) runs it, here as mutation testing leaves this file out.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ApiAccess, FinSpaceUserSettings } from '../../lib';
import { AUDIT_MARK, auditRecords, LOCAL_ADMIN_USER_ID, LocalDeployment, type StepRecord } from '../../testing';
import { describeLambdaRuntime } from '../../testing/lambda-runtime';
import { FIXTURE_ENVIRONMENT, FIXTURE_USERS, synthFixture } from '../fixtures/fixture-app';
import { RUNNER_RUNTIME } from '../support/lambda-containers';

let assemblyDir: string;
let deployment: LocalDeployment;
/** The handler's log lines in this test. */
let lines: string[];

beforeAll(() => {
  assemblyDir = synthFixture(fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-fixture-')));
});
afterAll(() => fs.rmSync(assemblyDir, { recursive: true, force: true }));
beforeEach(async () => {
  lines = [];
  deployment = await LocalDeployment.start({ assemblyDir, onLog: (line) => lines.push(line) });
});
afterEach(() => deployment.close());

const user = (userId: string) => deployment.emulator.getUser(FIXTURE_ENVIRONMENT, userId)!;
const resourceId = (name: string) => deployment.resourceIds.find((id) => id.includes(name))!;
/** CloudFormation's Update of the analyst's resource with `change` to its properties. */
const updateAnalyst = (change: Record<string, unknown>) => {
  const analyst = resourceId('Analyst');
  return deployment.update({ [analyst]: { ...deployment.propertiesOf(analyst), ...change } });
};
const outcomes = (steps: StepRecord[]) => steps.map((s) => `${s.step}:${s.logicalId.replace(/[0-9A-F]{8}$/, '')}:${s.status}`);

test('happy path: Create, Update, Delete, through the bundled handler in the assembly', async () => {
  const [fn] = deployment.handlerFunctions;
  expect(fn.spec.file.startsWith(assemblyDir)).toBe(true);
  expect(fn.spec.runtime).toMatch(/^nodejs2[2-9]\.x$/);
  // Under AWS's runtime interface emulator and client wherever they are built (so the audit lines below are the real
  // client's, which the Logs Insights query reads), else the imitation.
  expect(fn.runtime).toBe(
    RUNNER_RUNTIME.pieces
      ? describeLambdaRuntime(RUNNER_RUNTIME.pieces)
      : "the imitation of Lambda's Node.js runtime (testing/local-lambda.ts)",
  );

  const created = await deployment.createAll();
  expect(outcomes(created)).toEqual(['Create:Analyst:SUCCESS', 'Create:Auditor:SUCCESS', 'Create:Trader:SUCCESS']);
  expect(created.map((s) => s.physicalResourceId)).toEqual([FIXTURE_USERS.analyst, FIXTURE_USERS.auditor, FIXTURE_USERS.trader]);
  expect(user(FIXTURE_USERS.analyst)).toMatchObject({
    type: 'APP_USER',
    firstName: 'Grace',
    apiAccess: 'ENABLED',
    apiAccessPrincipalArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/Fixture-AnalystRole[0-9A-F]{8}$/),
  });

  const updated = await updateAnalyst({ type: 'SUPER_USER', lastName: 'Murray' });
  expect(outcomes(updated)).toEqual(['Update:Analyst:SUCCESS']);
  expect(user(FIXTURE_USERS.analyst)).toMatchObject({ type: 'SUPER_USER', lastName: 'Murray' });

  const deleted = await deployment.deleteAll();
  expect(deleted.every((s) => s.status === 'SUCCESS')).toBe(true);
  // As in Lambda: the handler ran on the runtime's Node.js major, whatever runs the tests.
  expect(fn.node).toMatchObject({ runtime: 'nodejs24.x', matchesRuntime: true });
  const versions = new Set(deployment.steps.map((s) => s.nodeVersion));
  console.log(
    `end-to-end lifecycle ran the handler bundle on Node.js ${[...versions].join(', ')} (tools on Node.js ${process.versions.node})`,
  );
  expect([...versions]).toEqual([fn.node.version]);
  expect(fn.node.version).toMatch(/^24\.\d+\.\d+$/);
  expect(deployment.emulator.count('GetProgrammaticAccessCredentials')).toBe(1);
});

test('an Update that fails is rolled back with the old properties, and the settings return to the old values', async () => {
  await deployment.createAll();
  const [analyst, auditor] = deployment.resourceIds;
  const before = { analyst: user(FIXTURE_USERS.analyst), auditor: user(FIXTURE_USERS.auditor) };
  // The analyst's update goes through, the auditor's fails: CloudFormation rolls back both.
  deployment.emulator.injectFault({ operation: 'UpdateUser', times: 1, delayMs: 0 });
  deployment.emulator.injectFault({ operation: 'UpdateUser', status: 400, message: 'apiAccess cannot be enabled for this user', times: 1 });
  const steps = await deployment.update({
    [analyst]: { ...deployment.propertiesOf(analyst), type: 'SUPER_USER', apiAccess: 'DISABLED' },
    [auditor]: { ...deployment.propertiesOf(auditor), apiAccess: 'ENABLED' },
  });
  expect(outcomes(steps)).toEqual([
    'Update:Analyst:SUCCESS',
    'Update:Auditor:FAILED',
    'Rollback:Auditor:SUCCESS',
    'Rollback:Analyst:SUCCESS',
  ]);
  expect(steps[1].reason).toContain('ValidationException: apiAccess cannot be enabled for this user');
  expect(steps[3].requestType).toBe('Update');
  expect(user(FIXTURE_USERS.analyst)).toMatchObject({ type: before.analyst.type, apiAccess: before.analyst.apiAccess });
  expect(user(FIXTURE_USERS.auditor)).toMatchObject({ apiAccess: before.auditor.apiAccess });
  expect(deployment.propertiesOf(analyst).type).toBe('APP_USER');
});

test('a replacement: a new userId gets the settings, then the Delete of the old id applies onDelete', async () => {
  deployment.emulator.putUser(FIXTURE_ENVIRONMENT, { userId: 'uSuccessor00000000001', type: 'APP_USER', apiAccess: 'DISABLED' });
  await deployment.createAll();
  const steps = await updateAnalyst({ userId: 'uSuccessor00000000001' });
  expect(outcomes(steps)).toEqual(['Update:Analyst:SUCCESS', 'Cleanup:Analyst:SUCCESS']);
  expect(steps[0].physicalResourceId).toBe('uSuccessor00000000001');
  expect(steps[1]).toMatchObject({ requestType: 'Delete', physicalResourceId: FIXTURE_USERS.analyst });
  expect(user('uSuccessor00000000001')).toMatchObject({ apiAccess: 'ENABLED', firstName: 'Grace' });
  expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('DISABLED');
  expect(deployment.physicalIdOf(resourceId('Analyst'))).toBe('uSuccessor00000000001');
});

test('on-delete settings: deleting the stack revokes the analyst API access and leaves the others as they are', async () => {
  await deployment.createAll();
  const auditorBefore = user(FIXTURE_USERS.auditor);
  const traderBefore = user(FIXTURE_USERS.trader);
  const updatesBefore = deployment.emulator.count('UpdateUser');
  const steps = await deployment.deleteAll();
  expect(steps.every((s) => s.status === 'SUCCESS')).toBe(true);
  expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('DISABLED');
  expect(user(FIXTURE_USERS.auditor)).toEqual(auditorBefore);
  expect(user(FIXTURE_USERS.trader)).toEqual(traderBefore);
  expect(deployment.emulator.count('UpdateUser') - updatesBefore).toBe(1);
});

test('a failed Create is rolled back: every created resource is deleted, the failed one without an API call', async () => {
  deployment.emulator.injectFault({ operation: 'UpdateUser', times: 1, delayMs: 0 });
  deployment.emulator.injectFault({ operation: 'UpdateUser', status: 404, message: 'User not found', times: 1 });
  const steps = await deployment.createAll();
  expect(outcomes(steps)).toEqual([
    'Create:Analyst:SUCCESS',
    'Create:Auditor:FAILED',
    'Rollback:Auditor:SUCCESS',
    'Rollback:Analyst:SUCCESS',
  ]);
  expect(steps[1].physicalResourceId).toMatch(/^finspace-user-settings:create-failed:/);
  expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('DISABLED');
});

test('a failed Create whose UpdateUser may have taken effect answers the userId: the rollback Delete applies onDelete to it', async () => {
  // The Analyst's UpdateUser answers 200 without a userId: it was applied, but there is no physical id to report.
  deployment.emulator.injectFault({ operation: 'UpdateUser', rawBody: '{}', times: 1 });
  deployment.emulator.putUser(FIXTURE_ENVIRONMENT, { ...user(FIXTURE_USERS.analyst), apiAccess: 'ENABLED' });
  const steps = await deployment.createAll();
  expect(outcomes(steps)).toEqual(['Create:Analyst:FAILED', 'Rollback:Analyst:SUCCESS']);
  expect(steps.map((s) => s.physicalResourceId)).toEqual([FIXTURE_USERS.analyst, FIXTURE_USERS.analyst]);
  expect(steps[1].audit[0].sent).toEqual({
    onDelete: { environmentId: FIXTURE_ENVIRONMENT, userId: FIXTURE_USERS.analyst, apiAccess: 'DISABLED', result: 'accepted' },
  });
  expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('DISABLED');
});

test('the bundled handler invoked through a version or alias answers nothing and calls nothing; by its own ARN it serves', async () => {
  await deployment.createAll();
  const [fn] = deployment.handlerFunctions;
  const { event } = deployment.exchanges[0];
  const calls = deployment.emulator.requests.length;
  for (const qualifier of ['$LATEST', '1', 'live']) {
    const invocation = await fn.invoke({ ...event, RequestId: `via-${qualifier}` }, { qualifier });
    expect(auditRecords(invocation.logs)).toEqual([
      expect.objectContaining({ requestId: `via-${qualifier}`, outcome: 'IGNORED', delivered: false, sent: 'nothing' }),
    ]);
    expect(invocation.logs).toHaveLength(1);
  }
  expect(deployment.emulator.requests).toHaveLength(calls);
  const served = await fn.invoke({ ...event, RequestId: 'unqualified' });
  expect(auditRecords(served.logs)).toEqual([expect.objectContaining({ requestId: 'unqualified', outcome: 'SUCCESS', delivered: true })]);
});

/** npm start's CLI; where AWS's runtime pieces are not built (the global setup tried), on the imitation, not building. */
const CLI_RUNTIME = RUNNER_RUNTIME.pieces ? RUNNER_RUNTIME : { reason: 'FINSPACE_LOCAL_LAMBDA_RUNTIME is imitation' };
const cli = (dir: string) =>
  spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '..', '..', 'testing', 'cli.ts'), dir], {
    encoding: 'utf8',
    env: RUNNER_RUNTIME.pieces ? process.env : { ...process.env, FINSPACE_LOCAL_LAMBDA_RUNTIME: 'imitation' },
  });

test('the CLI behind npm start prints the table and exits 0', () => {
  const run = cli(assemblyDir);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`Lambda runtime: ${describeLambdaRuntime(CLI_RUNTIME.pieces, CLI_RUNTIME.reason)}`);
  expect(run.stdout).toMatch(/Step +\| Resource +\| Outcome +\| Node\.js +\| Physical id +\| User settings/);
  expect(run.stdout).toMatch(
    /handler FinSpaceUserSettingsProviderHandler[0-9A-F]{8}: handler of .*index\.js on Node\.js 24\.\d+\.\d+ \(the template's nodejs24\.x\); timeout 300 s/,
  );
  expect(run.stdout).toMatch(/\| SUCCESS \| 24\.\d+\.\d+ +\| uAnalyst0000000000001/);
  // Then the audit trail: one line per request, the names only as "set".
  const audit = run.stdout.split('Audit trail')[1].split('\n\n')[0].split('\n').slice(1);
  expect(audit).toHaveLength(9);
  expect(audit[0]).toMatch(
    /^ {2}Create [0-9a-f]{8} Analyst[0-9A-F]{8} fixtureenv01\/uAnalyst0000000000001: sent apply\(type=APP_USER firstName=set lastName=set apiAccess=ENABLED apiAccessPrincipalArn=role\/Fixture-AnalystRole[0-9A-F]{8}\) accepted -> SUCCESS$/,
  );
  expect(audit.at(-1)).toMatch(/^ {2}Delete [0-9a-f]{8} Analyst[0-9A-F]{8} \S+: sent onDelete\(apiAccess=DISABLED\) accepted -> SUCCESS$/);
  expect(audit.filter((line) => / Auditor[0-9A-F]{8} \S+: nothing sent -> SUCCESS$/.test(line))).toHaveLength(1);
  expect(run.stdout).not.toMatch(/Grace|Hopper/);
  expect(run.stdout).toContain('All 9 steps succeeded.');
}, 60_000);

test('the CLI exits 1 and says how many steps failed when one fails; 2 when it cannot run at all', () => {
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-broken-'));
  try {
    fs.cpSync(assemblyDir, broken, { recursive: true });
    // A value that only breaks the rules once resolved, as a parameter could at deploy time.
    const templatePath = path.join(broken, 'Fixture.template.json');
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    const auditor = Object.keys(template.Resources).find((id) => id.startsWith('Auditor'))!;
    template.Resources[auditor].Properties.apiAccess = 'MAYBE';
    fs.writeFileSync(templatePath, JSON.stringify(template));
    const run = cli(broken);
    expect(run.stdout).toMatch(/Create +\| Auditor[0-9A-F]{8} +\| FAILED/);
    expect(run.stdout).toContain('apiAccess "MAYBE" is not an allowed value');
    expect(run.stdout).toMatch(/\n1 of 4 steps failed\.\n/);
    expect(run.status).toBe(1);
    const missing = cli(path.join(broken, 'no-such-assembly'));
    expect(missing.stderr).toContain('is not a cloud assembly (no manifest.json); run `cdk synth` first.');
    expect(missing.status).toBe(2);
  } finally {
    fs.rmSync(broken, { recursive: true, force: true });
  }
}, 60_000);

test('a retained resource (removalPolicy RETAIN) gets no Delete: the escape when FinSpace is gone', async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-retained-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Retained');
    new FinSpaceUserSettings(stack, 'Kept', {
      environmentId: FIXTURE_ENVIRONMENT,
      userId: FIXTURE_USERS.analyst,
      apiAccess: ApiAccess.ENABLED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new FinSpaceUserSettings(stack, 'Revoked', {
      environmentId: FIXTURE_ENVIRONMENT,
      userId: FIXTURE_USERS.auditor,
      onDelete: { apiAccess: ApiAccess.DISABLED },
    });
    app.synth();
    const retained = await LocalDeployment.start({ assemblyDir: outdir });
    try {
      expect((await retained.createAll()).every((s) => s.status === 'SUCCESS')).toBe(true);
      // Only the resource that is not retained gets a Delete: a retained one never needs FinSpace again.
      const deleted = await retained.deleteAll();
      expect(deleted.map((s) => s.logicalId.replace(/[0-9A-F]{8}$/, ''))).toEqual(['Revoked']);
    } finally {
      await retained.close();
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 60_000);

describe('the audit trail', () => {
  /** A log line as Logs Insights sees a JSON log event: its fields flattened to dotted names. */
  const flatten = (value: unknown, prefix = ''): Record<string, unknown> =>
    value !== null && typeof value === 'object'
      ? Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)))
      : { [prefix]: value };

  /** Create, an Update of the analyst with `change`, then Delete. */
  const lifecycle = async (change: Record<string, unknown>) => {
    await deployment.createAll();
    await updateAnalyst(change);
    await deployment.deleteAll();
  };

  test("every request leaves exactly one audit line, in Lambda's JSON log format, with no name in it", async () => {
    await lifecycle({ lastName: 'Murray' });
    expect(deployment.steps).toHaveLength(7);
    for (const step of deployment.steps)
      expect(step.audit.map((a) => [a.requestType, a.outcome, a.delivered])).toEqual([[step.requestType, step.status, true]]);
    // As CloudWatch receives them: {timestamp, level, requestId, message: {the audit record}}.
    const events = lines.map((line) => JSON.parse(line) as { level: string; requestId: string; message: Record<string, unknown> });
    expect(events).toHaveLength(7);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(['level', 'message', 'requestId', 'timestamp']);
      expect(event.message.audit).toBe(AUDIT_MARK);
    }
    expect(auditRecords(lines)).toHaveLength(7);
    expect(lines.join('\n')).not.toMatch(/Grace|Hopper|Murray/);
  });

  test("the README's Logs Insights query finds who changed a user: the requests that sent it something, by stack and request", async () => {
    await lifecycle({ type: 'SUPER_USER' });
    // The query as the README gives it: the audit mark, then each purpose's environment and user.
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(`| filter message.audit = "${AUDIT_MARK}"\n`);
    for (const p of ['apply', 'onDelete', 'previousEnvironment']) {
      expect(readme).toContain(`(message.sent.${p}.environmentId = "E" and message.sent.${p}.userId = "U")`);
    }
    const [E, U] = [FIXTURE_ENVIRONMENT, FIXTURE_USERS.analyst];
    // filter message.audit = AUDIT_MARK and (message.sent.<purpose>.environmentId = E and ...userId = U) for each purpose
    const found = lines
      .map((line) => flatten(JSON.parse(line)))
      .filter((f) => f['message.audit'] === AUDIT_MARK)
      .filter((f) =>
        ['apply', 'onDelete', 'previousEnvironment'].some(
          (p) => f[`message.sent.${p}.environmentId`] === E && f[`message.sent.${p}.userId`] === U,
        ),
      )
      .map((f) => [
        f['message.requestType'],
        f['message.logicalResourceId'],
        f['message.outcome'],
        typeof f['message.stackId'],
        typeof f['message.requestId'],
      ]);
    expect(found).toEqual(
      ['Create', 'Update', 'Delete'].map((type) => [type, expect.stringMatching(/^Analyst/), 'SUCCESS', 'string', 'string']),
    );
  });

  test('an Update that moves a resource to another environment applies its onDelete in the old one, end to end', async () => {
    deployment.emulator.putUser('fixtureenv02', { userId: FIXTURE_USERS.analyst, type: 'APP_USER', apiAccess: 'DISABLED' });
    deployment.emulator.putUser('fixtureenv02', {
      userId: LOCAL_ADMIN_USER_ID,
      type: 'SUPER_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: deployment.handlerFunctions[0].spec.roleArn,
    });
    await deployment.createAll();
    const steps = await updateAnalyst({ environmentId: 'fixtureenv02' });
    expect(outcomes(steps)).toEqual(['Update:Analyst:SUCCESS']);
    expect(steps[0].physicalResourceId).toBe(FIXTURE_USERS.analyst);
    expect(deployment.emulator.getUser('fixtureenv02', FIXTURE_USERS.analyst)?.apiAccess).toBe('ENABLED');
    expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('DISABLED');
    expect(Object.keys(steps[0].audit[0].sent as object)).toEqual(['apply', 'previousEnvironment']);
  });
});

test("the race CloudFormation leaves: a Create still at work when its rollback Delete arrives applies its settings after the Delete's revocation, and the audit lines show the order", async () => {
  const analyst = resourceId('Analyst');
  // FinSpace holds the Create's UpdateUser for 3 s; the Delete comes once the Create has its credentials.
  deployment.emulator.injectFault({ operation: 'UpdateUser', delayMs: 3000 });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const steps = await deployment.createInterruptedByDelete(analyst, async () => {
    while (deployment.emulator.count('GetProgrammaticAccessCredentials') === 0) await sleep(20);
    await sleep(300);
  });
  expect(steps.map((s) => `${s.step}:${s.requestType}:${s.status}`)).toEqual(['Rollback:Delete:SUCCESS', 'Create:Create:SUCCESS']);
  const [rollback, create] = steps;
  // The Delete carried the id CloudFormation generated, and revoked the properties' user all the same.
  expect(rollback.audit[0]).toMatchObject({
    physicalResourceId: expect.stringMatching(/^Fixture-Analyst[0-9A-F]{8}-[0-9A-F-]{12}$/),
    sent: { onDelete: { userId: FIXTURE_USERS.analyst, apiAccess: 'DISABLED', result: 'accepted' } },
  });
  // Then the Create's UpdateUser, sent before the Delete came, landed: the user has the Create's settings again.
  expect(create.audit[0]).toMatchObject({ sent: { apply: { userId: FIXTURE_USERS.analyst, result: 'accepted' } } });
  expect(user(FIXTURE_USERS.analyst).apiAccess).toBe('ENABLED');
}, 30_000);
