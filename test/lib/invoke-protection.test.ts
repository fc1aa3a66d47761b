/**
 * Only its own stack's deployer can make the handler act, proven by IAM's evaluation: the synthesized resource policy
 * and the service control policy statements are resolved to concrete JSON and evaluated by an IAM policy simulator
 * (@cloud-copilot/iam-simulate) over a table of principals × actions. The tests fail when the condition key, the
 * operator or the ARN form is wrong (each is mutated below and must change the table's outcome).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import {
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  Fn,
  LegacyStackSynthesizer,
  NestedStack,
  Stack,
  type CfnElement,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FinSpaceUserSettingsProvider, type FinSpaceUserSettingsProviderProps } from '../../lib';
import { HANDLER_TAG_KEY, INVOKE_ACTIONS } from '../../lib/invoke-protection';
import { ACCOUNT, declareUser, newStack, warnings } from '../support/stacks';

const OTHER_ACCOUNT = '210987654321';
const REGION = 'eu-west-1';
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
/** The execution role as the template names it. */
const EXEC_ROLE_IN_TEMPLATE = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}` };
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
const OTHER_ADMIN = `arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

type PolicyDocument = { Version: string; Statement: Array<Record<string, unknown>> };

interface Synthesized {
  readonly stack: Stack;
  readonly provider: FinSpaceUserSettingsProvider;
  readonly template: Template;
  readonly functionArn: string;
  readonly roleArn: string;
  /** Resolves the template's intrinsics as CloudFormation would in ACCOUNT/REGION. */
  readonly resolve: (value: unknown) => unknown;
}

function synthesize(
  props: FinSpaceUserSettingsProviderProps | ((stack: Stack) => FinSpaceUserSettingsProviderProps) = {},
  synthesizer?: DefaultStackSynthesizer,
): Synthesized {
  const stack = newStack('Finance', { region: REGION, synthesizer });
  const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, typeof props === 'function' ? props(stack) : props);
  declareUser(stack);
  const template = Template.fromStack(stack);
  const fnId = stack.getLogicalId(provider.function.node.defaultChild as CfnElement);
  // An imported role has no resource of its own here.
  const roleId = provider.role.node.defaultChild ? stack.getLogicalId(provider.role.node.defaultChild as CfnElement) : undefined;
  const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Finance-Handler-0123456789ab`;
  // The role's ARN as IAM makes it: its path, then its name.
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/finspace-user-settings/${REGION}/Finance/Finance-Role-0123456789ab`;
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::StackName': 'Finance',
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn' && id === fnId) return functionArn;
      if (attribute === 'Arn' && id === roleId) return roleArn;
      throw new Error(`unexpected GetAtt ${id}.${attribute}`);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).join(separator);
    }
    if ('Fn::Sub' in object) return (object['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudo[name]);
    if ('Ref' in object) return pseudo[object.Ref as string];
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  };
  return { stack, provider, template, functionArn, roleArn, resolve };
}

/** The function's resource policy, as CloudFormation would attach it. */
function resourcePolicyOf(synthesized: Synthesized): PolicyDocument {
  const policies = synthesized.template.findResources('AWS::Lambda::ResourcePolicy');
  expect(Object.keys(policies)).toHaveLength(1);
  const { Properties } = Object.values(policies)[0] as { Properties: { ResourceArn: unknown; PolicyDocument: unknown } };
  expect(synthesized.resolve(Properties.ResourceArn)).toBe(synthesized.functionArn);
  return synthesized.resolve(Properties.PolicyDocument) as PolicyDocument;
}

interface Caller {
  readonly name: string;
  /** The request's principal, as IAM sees it (an assumed-role session, an account or a service). */
  readonly principal: string;
  /** aws:PrincipalArn as AWS sets it: the role's ARN for a role session; absent for a service. */
  readonly principalArn?: string;
  readonly identityPolicy?: PolicyDocument;
  /** A statement someone added to the function's policy to let this caller in (AddPermission). */
  readonly admittedBy?: Record<string, unknown>;
}

const session = (roleArn: string, name: string) => roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + `/${name}`;

const CALLERS: Caller[] = [
  {
    name: "the stack's CloudFormation execution role",
    principal: session(EXEC_ROLE, 'AWSCloudFormation'),
    principalArn: EXEC_ROLE,
    identityPolicy: ALLOW_ALL,
  },
  { name: 'an administrator of the account', principal: session(ADMIN, 'alice'), principalArn: ADMIN, identityPolicy: ALLOW_ALL },
  {
    name: 'the deployer without a service role (CLI credentials)',
    principal: session(DEPLOYER, 'ci'),
    principalArn: DEPLOYER,
    identityPolicy: ALLOW_ALL,
  },
  {
    name: 'another account, admitted by a resource-policy statement',
    principal: session(OTHER_ADMIN, 'mallory'),
    principalArn: OTHER_ADMIN,
    identityPolicy: ALLOW_ALL,
    admittedBy: {
      Sid: 'Admitted',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
      Action: 'lambda:InvokeFunction',
      Resource: '*',
    },
  },
  {
    name: 'a service principal (an EventBridge rule), admitted by a resource-policy statement',
    principal: 'events.amazonaws.com',
    admittedBy: {
      Sid: 'Admitted',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: '*',
    },
  },
];

async function simulate(options: {
  caller: Caller;
  action: string;
  resource: string;
  resourcePolicy?: PolicyDocument;
  scp?: PolicyDocument;
  context?: Record<string, string>;
}): Promise<string> {
  const { caller } = options;
  const response = await runSimulation(
    {
      request: {
        action: options.action,
        principal: caller.principal,
        resource: { resource: options.resource, accountId: ACCOUNT },
        contextVariables: { ...(caller.principalArn ? { 'aws:PrincipalArn': caller.principalArn } : {}), ...options.context },
      },
      identityPolicies: caller.identityPolicy ? [{ name: 'identity', policy: caller.identityPolicy }] : [],
      serviceControlPolicies: options.scp
        ? [
            {
              orgIdentifier: 'ou-finance',
              policies: [
                { name: 'FullAWSAccess', policy: ALLOW_ALL },
                { name: 'Guardrail', policy: options.scp },
              ],
            },
          ]
        : [],
      resourceControlPolicies: [],
      resourcePolicy: options.resourcePolicy,
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

/** Who may invoke the function under `policy` (plus each caller's admitting statement): caller → action → outcome. */
async function invokeTable(policy: PolicyDocument, functionArn: string): Promise<Record<string, Record<string, string>>> {
  const table: Record<string, Record<string, string>> = {};
  for (const caller of CALLERS) {
    table[caller.name] = {};
    const resourcePolicy = { ...policy, Statement: [...policy.Statement, ...(caller.admittedBy ? [caller.admittedBy] : [])] };
    for (const action of INVOKE_ACTIONS) {
      table[caller.name][action] = await simulate({ caller, action, resource: functionArn, resourcePolicy });
    }
  }
  return table;
}

const only = (outcome: string) => Object.fromEntries(INVOKE_ACTIONS.map((a) => [a, outcome]));

describe("the function's resource policy (on by default)", () => {
  test('lets only the execution role invoke; denies the account admin, the deployer without a service role, another account and a service', async () => {
    const synthesized = synthesize();
    const policy = resourcePolicyOf(synthesized);
    expect(await invokeTable(policy, synthesized.functionArn)).toEqual({
      "the stack's CloudFormation execution role": only('Allowed'),
      'an administrator of the account': only('ExplicitlyDenied'),
      'the deployer without a service role (CLI credentials)': only('ExplicitlyDenied'),
      'another account, admitted by a resource-policy statement': only('ExplicitlyDenied'),
      'a service principal (an EventBridge rule), admitted by a resource-policy statement': only('ExplicitlyDenied'),
    });
  });

  test('a wrong condition key, operator or ARN form changes the outcome', async () => {
    const synthesized = synthesize();
    const policy = resourcePolicyOf(synthesized);
    const expected = await invokeTable(policy, synthesized.functionArn);
    const mutate = (edit: (statement: Record<string, unknown>) => void): PolicyDocument => {
      const copy = JSON.parse(JSON.stringify(policy)) as PolicyDocument;
      edit(copy.Statement[0]);
      return copy;
    };
    const condition = (s: Record<string, unknown>) => s.Condition as Record<string, Record<string, string>>;
    const mutants: Record<string, PolicyDocument> = {
      'key aws:userid': mutate((s) => (s.Condition = { ArnNotEquals: { 'aws:userid': condition(s).ArnNotEquals['aws:PrincipalArn'] } })),
      'operator ArnEquals': mutate((s) => (s.Condition = { ArnEquals: condition(s).ArnNotEquals })),
      // (ArnNotEqualsIfExists would be equivalent: a missing aws:PrincipalArn, as for a service, satisfies both.)
      'operator ArnLike': mutate((s) => (s.Condition = { ArnLike: condition(s).ArnNotEquals })),
      'the session ARN instead of the role ARN': mutate(
        (s) => (s.Condition = { ArnNotEquals: { 'aws:PrincipalArn': session(EXEC_ROLE, 'AWSCloudFormation') } }),
      ),
    };
    for (const [name, mutant] of Object.entries(mutants)) {
      expect([name, await invokeTable(mutant, synthesized.functionArn)]).not.toEqual([name, expected]);
    }
  });

  test('synthesizes as AWS::Lambda::ResourcePolicy on the function, whose Deny names the function itself, and every custom resource waits for it', () => {
    const { stack, provider, template } = synthesize();
    const policyId = stack.getLogicalId(provider.node.findChild('InvokePolicy') as CfnElement);
    const functionArn = stack.resolve(provider.function.functionArn);
    template.hasResourceProperties('AWS::Lambda::ResourcePolicy', {
      ResourceArn: functionArn,
      PolicyDocument: {
        Statement: [
          {
            Sid: 'OnlyTheStacksDeployerMayInvoke',
            Effect: 'Deny',
            Principal: '*',
            Action: INVOKE_ACTIONS,
            Resource: functionArn,
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': EXEC_ROLE_IN_TEMPLATE } },
          },
        ],
      },
    });
    template.hasResource('Custom::FinSpaceUserSettings', { DependsOn: Match.arrayWith([policyId]) });
    expect(template.findResources('AWS::Lambda::Permission')).toEqual({});
  });

  test("follows the synthesizer's qualifier and a role the user names", async () => {
    const qualified = synthesize({}, new DefaultStackSynthesizer({ qualifier: 'fin4nce' }));
    expect(JSON.stringify(resourcePolicyOf(qualified))).toContain(`role/cdk-fin4nce-cfn-exec-role-${ACCOUNT}-${REGION}`);

    const named = synthesize({ cloudFormationExecutionRole: iam.Role.fromRoleArn(new Stack(), 'Deployer', DEPLOYER) });
    const table = await invokeTable(resourcePolicyOf(named), named.functionArn);
    expect(table['the deployer without a service role (CLI credentials)']).toEqual(only('Allowed'));
    expect(table["the stack's CloudFormation execution role"]).toEqual(only('ExplicitlyDenied'));
  });

  test('where the construct cannot know who deploys, synth fails saying what to pass; invokeProtection: false opts out, with a warning, even with a deploying role named', () => {
    for (const synthesizer of [new LegacyStackSynthesizer(), new CliCredentialsStackSynthesizer()]) {
      const stack = newStack('Other', { synthesizer });
      expect(() => FinSpaceUserSettingsProvider.getOrCreate(stack)).toThrow(
        new RegExp(
          `^Other/FinSpaceUserSettingsProvider: the stack's synthesizer \\(${synthesizer.constructor.name}\\) names no CloudFormation execution role, ` +
            'so the provider cannot tell who may invoke the handler\\. Pass cloudFormationExecutionRole: .* or invokeProtection: false',
        ),
      );
    }
    const stack = newStack('Open', { synthesizer: new LegacyStackSynthesizer() });
    FinSpaceUserSettingsProvider.getOrCreate(stack, { invokeProtection: false });
    expect(Template.fromStack(stack).findResources('AWS::Lambda::ResourcePolicy')).toEqual({});
    Annotations.fromStack(stack).hasWarning(
      '/Open/FinSpaceUserSettingsProvider',
      "invokeProtection is off: any principal your IAM policies allow lambda:InvokeFunction on the handler can make it change FinSpace users' settings. " +
        'Guard the function yourself (see the README, Threat model), or remove invokeProtection: false. ' +
        '[ack: finspace-user-settings:InvokeProtectionOff]',
    );
    // Off with a deploying role named: still no resource policy.
    const named = newStack();
    const cloudFormationExecutionRole = iam.Role.fromRoleArn(named, 'Deployer', DEPLOYER);
    FinSpaceUserSettingsProvider.getOrCreate(named, { invokeProtection: false, cloudFormationExecutionRole });
    expect(Template.fromStack(named).findResources('AWS::Lambda::ResourcePolicy')).toEqual({});
  });
});

describe('the service control policy statements', () => {
  const LAMBDA_ACTIONS = [
    'lambda:InvokeFunction',
    'lambda:InvokeAsync',
    'lambda:AddPermission',
    'lambda:PutResourcePolicy',
    'lambda:CreateFunctionUrlConfig',
    'lambda:PublishVersion',
    'lambda:DeleteAlias',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:PutRuntimeManagementConfig',
    'lambda:PutFunctionConcurrency',
    'lambda:DeleteFunction',
    'lambda:UntagResource',
  ];
  const ROLE_ACTIONS = [
    'iam:PassRole',
    'sts:AssumeRole',
    'iam:PutRolePolicy',
    'iam:AttachRolePolicy',
    'iam:UpdateAssumeRolePolicy',
    'iam:UntagRole',
  ];
  const READ_ACTIONS = ['lambda:GetFunction', 'iam:GetRole'];
  const VALUE = `${ACCOUNT}/${REGION}/Finance`;

  function statementsOf(synthesized: Synthesized): PolicyDocument {
    const statements = synthesized.provider.serviceControlPolicyStatements().map((s) => s.toStatementJson());
    return {
      Version: '2012-10-17',
      Statement: synthesized.resolve(synthesized.stack.resolve(statements)) as Array<Record<string, unknown>>,
    };
  }

  /**
   * Each caller × action on the function and on its role, each request as AWS documents it: a function's tags are in
   * aws:ResourceTag; a role's are not, for iam:PassRole (AWS says its tags do not govern who may pass it), so no role
   * request here carries one.
   */
  async function scpTable(scp: PolicyDocument, functionArn: string, roleArn: string, tagValue: string) {
    const table: Record<string, Record<string, string>> = {};
    for (const caller of CALLERS.slice(0, 3)) {
      table[caller.name] = {};
      for (const action of [...LAMBDA_ACTIONS, READ_ACTIONS[0]])
        table[caller.name][action] = await simulate({
          caller,
          action,
          resource: functionArn,
          scp,
          context: { [`aws:ResourceTag/${HANDLER_TAG_KEY}`]: tagValue },
        });
      for (const action of [...ROLE_ACTIONS, READ_ACTIONS[1]])
        table[caller.name][action] = await simulate({ caller, action, resource: roleArn, scp });
    }
    return table;
  }

  const every = (outcome: string) =>
    Object.fromEntries([...LAMBDA_ACTIONS, ...ROLE_ACTIONS].map((a) => [a, outcome]).concat(READ_ACTIONS.map((a) => [a, 'Allowed'])));

  test('deny every action but reading on the function (by its tag) and its role (by its path) to all but the deployer', async () => {
    const synthesized = synthesize();
    const scp = statementsOf(synthesized);
    expect(await scpTable(scp, synthesized.functionArn, synthesized.roleArn, VALUE)).toEqual({
      "the stack's CloudFormation execution role": every('Allowed'),
      'an administrator of the account': every('ExplicitlyDenied'),
      // The documented cost: without a CloudFormation service role, the deployer is locked out of the handler too.
      'the deployer without a service role (CLI credentials)': every('ExplicitlyDenied'),
    });
    // The same stack recreated: another function and role name, the same tag value and path.
    const recreated = `arn:aws:iam::${ACCOUNT}:role/finspace-user-settings/${REGION}/Finance/Finance-Role-ba9876543210`;
    expect((await scpTable(scp, `${synthesized.functionArn}-2`, recreated, VALUE))['an administrator of the account']).toEqual(
      every('ExplicitlyDenied'),
    );
    // A stack of another name, or of the same name in another region, is not touched; nor is any other role.
    for (const [tag, role] of [
      [`${ACCOUNT}/${REGION}/Payments`, `arn:aws:iam::${ACCOUNT}:role/finspace-user-settings/${REGION}/Payments/Payments-Role-1`],
      [`${ACCOUNT}/us-east-1/Finance`, `arn:aws:iam::${ACCOUNT}:role/finspace-user-settings/us-east-1/Finance/Finance-Role-1`],
      [`${OTHER_ACCOUNT}/${REGION}/Finance`, `arn:aws:iam::${ACCOUNT}:role/Finance-Role-0123456789ab`],
    ]) {
      expect([tag, (await scpTable(scp, synthesized.functionArn, role, tag))['an administrator of the account']]).toEqual([
        tag,
        every('Allowed'),
      ]);
    }
  });

  test("no one but the deployer can give the handler's role to a function of their own (lambda:CreateFunction with iam:PassRole, no tag in the request)", async () => {
    const synthesized = synthesize();
    const scp = statementsOf(synthesized);
    const own = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mine`;
    const create = (caller: Caller, statements: PolicyDocument) =>
      Promise.all([
        simulate({ caller, action: 'lambda:CreateFunction', resource: own, scp: statements }),
        simulate({
          caller,
          action: 'iam:PassRole',
          resource: synthesized.roleArn,
          scp: statements,
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        }),
      ]);
    expect(await create(CALLERS[1], scp)).toEqual(['Allowed', 'ExplicitlyDenied']);
    expect(await create(CALLERS[0], scp)).toEqual(['Allowed', 'Allowed']);
    // The statement as it was, matching the role by its tag: PassRole, which carries no tag, gets through. This test
    // would see the statement fall back to it.
    const byTag = JSON.parse(JSON.stringify(scp)) as PolicyDocument;
    const roleStatement = byTag.Statement.find((st) => st.Sid === 'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer')!;
    roleStatement.Resource = 'arn:aws:iam::*:role/*';
    roleStatement.Condition = { ...(roleStatement.Condition as object), StringEquals: { [`aws:ResourceTag/${HANDLER_TAG_KEY}`]: VALUE } };
    expect(await create(CALLERS[1], byTag)).toEqual(['Allowed', 'Allowed']);
  });

  test("no one but the deployer can create a role under the handler's path, or put the handler's tag value on another function", async () => {
    const synthesized = synthesize();
    const scp = statementsOf(synthesized);
    const underPath = `arn:aws:iam::${ACCOUNT}:role/finspace-user-settings/${REGION}/Finance/Impostor`;
    expect(await simulate({ caller: CALLERS[1], action: 'iam:CreateRole', resource: underPath, scp })).toBe('ExplicitlyDenied');
    expect(await simulate({ caller: CALLERS[0], action: 'iam:CreateRole', resource: underPath, scp })).toBe('Allowed');
    expect(await simulate({ caller: CALLERS[1], action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/Impostor`, scp })).toBe(
      'Allowed',
    );
    const tagging = async (caller: Caller, action: string, resource: string, value: string) =>
      simulate({
        caller,
        action,
        resource,
        scp,
        context: { [`aws:RequestTag/${HANDLER_TAG_KEY}`]: value, 'aws:TagKeys': HANDLER_TAG_KEY },
      });
    const someFunction = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:unrelated`;
    for (const action of ['lambda:TagResource', 'lambda:CreateFunction']) {
      expect([action, await tagging(CALLERS[1], action, someFunction, VALUE)]).toEqual([action, 'ExplicitlyDenied']);
      expect([action, await tagging(CALLERS[0], action, someFunction, VALUE)]).toEqual([action, 'Allowed']);
      expect([action, await tagging(CALLERS[1], action, someFunction, `${ACCOUNT}/us-east-1/Finance`)]).toEqual([action, 'Allowed']);
    }
  });

  test("the function carries the tag, valued account/region/stack name; the role lives under the library's path", () => {
    const { template } = synthesize();
    // The key the README and serviceControlPolicyStatements' docs name.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'finspace-user-settings:handler-of-stack', Value: VALUE }]),
    });
    template.hasResourceProperties('AWS::IAM::Role', { Path: `/finspace-user-settings/${REGION}/Finance/` });
    // The role carries no handler tag: nothing keys on it (IAM does not evaluate it for PassRole).
    const role = Object.values(
      template.findResources('AWS::IAM::Role', { Properties: { Path: `/finspace-user-settings/${REGION}/Finance/` } }),
    )[0];
    expect((role.Properties.Tags ?? []).map((t: { Key: string }) => t.Key)).not.toContain(HANDLER_TAG_KEY);
  });

  test('a role passed in is matched by its name, under any path (an ARN given without the path still matches)', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/finspace-handler`;
    const synthesized = synthesize((stack) => ({ role: iam.Role.fromRoleArn(stack, 'HandlerRole', arn, { mutable: false }) }));
    const scp = statementsOf(synthesized);
    expect(await simulate({ caller: CALLERS[1], action: 'iam:PassRole', resource: arn, scp })).toBe('ExplicitlyDenied');
    const withPath = `arn:aws:iam::${ACCOUNT}:role/team/handlers/finspace-handler`;
    expect(await simulate({ caller: CALLERS[1], action: 'iam:PassRole', resource: withPath, scp })).toBe('ExplicitlyDenied');
    expect(await simulate({ caller: CALLERS[0], action: 'iam:PassRole', resource: withPath, scp })).toBe('Allowed');
    expect(await simulate({ caller: CALLERS[1], action: 'iam:PassRole', resource: `${arn}-other`, scp })).toBe('Allowed');
  });

  test('their statement ids, the ones an SCP and its reports show', () => {
    expect(statementsOf(synthesize()).Statement.map((s) => s.Sid)).toEqual([
      'FinSpaceUserSettingsHandlerOnlyForItsDeployer',
      'FinSpaceUserSettingsHandlerRoleOnlyForItsDeployer',
      'FinSpaceUserSettingsHandlerTagOnlyForItsDeployer',
    ]);
  });

  test('a handler role passed in needs no tag: no warning when the statements are asked for (they match it by its ARN)', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'HandlerRole', `arn:aws:iam::${ACCOUNT}:role/finspace-handler`);
    FinSpaceUserSettingsProvider.getOrCreate(stack, { role }).serviceControlPolicyStatements();
    expect(warnings(stack).filter((w) => /\btag\b|HandlerRole/.test(w))).toEqual([]);
  });

  test('with protection off and no role named, asking for them is an error that says what to pass', () => {
    const stack = newStack('Open', { synthesizer: new LegacyStackSynthesizer() });
    const provider = FinSpaceUserSettingsProvider.getOrCreate(stack, { invokeProtection: false });
    expect(() => provider.serviceControlPolicyStatements()).toThrow(
      new Error(
        'Open/FinSpaceUserSettingsProvider: the provider has no deploying role to leave the handler to (invokeProtection is off and no ' +
          'cloudFormationExecutionRole is given), so service control policy statements would lock everyone out. ' +
          'Pass cloudFormationExecutionRole: the role CloudFormation deploys the stack with.',
      ),
    );
  });
});

test('an AWS::Lambda::Permission on the protected function fails synth, saying why and what to do (the resource policy would wipe it)', () => {
  const granted = newStack('Granted', { region: REGION });
  FinSpaceUserSettingsProvider.getOrCreate(granted).function.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
  expect(() => Template.fromStack(granted)).toThrow(
    /Granted\/FinSpaceUserSettingsProvider\/Handler\/\S+ adds an AWS::Lambda::Permission to the FinSpace handler Granted\/FinSpaceUserSettingsProvider\/Handler .*replaces the function's whole policy.*Remove it; to let something else invoke the handler, set invokeProtection: false/s,
  );
  // By name, from anywhere in the stack, too.
  const byName = newStack('ByName', { region: REGION });
  const provider = FinSpaceUserSettingsProvider.getOrCreate(byName);
  new lambda.CfnPermission(byName, 'Elsewhere', {
    action: 'lambda:InvokeFunction',
    functionName: provider.function.functionName,
    principal: 's3.amazonaws.com',
  });
  expect(() => Template.fromStack(byName)).toThrow(/ByName\/Elsewhere adds an AWS::Lambda::Permission/);
  // Without the resource policy there is nothing to wipe: allowed (with the warning that protection is off).
  const open = newStack('Open', { region: REGION });
  FinSpaceUserSettingsProvider.getOrCreate(open, { invokeProtection: false }).function.grantInvoke(
    new iam.ServicePrincipal('events.amazonaws.com'),
  );
  Template.fromStack(open).resourceCountIs('AWS::Lambda::Permission', 1);
  // A permission on another function is none of its business.
  const other = newStack('Other', { region: REGION });
  FinSpaceUserSettingsProvider.getOrCreate(other);
  new lambda.CfnPermission(other, 'OnAnother', { action: 'lambda:InvokeFunction', functionName: 'another', principal: 's3.amazonaws.com' });
  Template.fromStack(other).resourceCountIs('AWS::Lambda::Permission', 1);
});

test("in a nested stack, synth fails until the root stack's execution role is named; named, only it may invoke", async () => {
  const root = newStack('Root', { region: REGION });
  expect(() => FinSpaceUserSettingsProvider.getOrCreate(new NestedStack(root, 'Unnamed'))).toThrow(
    /Pass cloudFormationExecutionRole: the role the stack is deployed with/,
  );
  const nested = new NestedStack(root, 'Users');
  const rootRole = Fn.sub((root.synthesizer as DefaultStackSynthesizer).cloudFormationExecutionRoleArn);
  const provider = FinSpaceUserSettingsProvider.getOrCreate(nested, {
    cloudFormationExecutionRole: iam.Role.fromRoleArn(nested, 'RootDeployer', rootRole),
  });
  declareUser(nested);
  const policy = Object.values(Template.fromStack(nested).findResources('AWS::Lambda::ResourcePolicy'))[0].Properties.PolicyDocument;
  expect(nested.resolve(policy.Statement[0].Condition)).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': EXEC_ROLE_IN_TEMPLATE } });
  expect(provider.node.scope).toBe(nested);
});
