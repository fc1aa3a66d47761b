/**
 * Synth-time validation: every rule of the model rejects a bad concrete value with a message that names the prop,
 * the value (unless sensitive) and the rule; tokens are left for the handler to check at deploy time.
 */
import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiAccess, FinSpaceUserSettings, FinSpaceUserType, type FinSpaceUserSettingsProps } from '../../lib';
import { isSensitive, RULES, type FieldName } from '../../lib/finspace-rules';
import { withRoles } from '../support/role';

const VALID: FinSpaceUserSettingsProps = { environmentId: 'r4nd0menv1d', userId: 'uAbCdEf0123456789' };

function synth(
  props: Partial<Record<keyof FinSpaceUserSettingsProps, unknown>>,
  scope?: (stack: Stack) => Partial<FinSpaceUserSettingsProps>,
) {
  const stack = new Stack(new App(), 'S');
  const extra = scope ? scope(stack) : {};
  return () => new FinSpaceUserSettings(stack, 'Settings', withRoles({ ...VALID, ...props, ...extra }) as FinSpaceUserSettingsProps);
}

describe('synth-time validation rejects a bad value, naming the prop and the rule', () => {
  const cases: Array<[string, Partial<Record<keyof FinSpaceUserSettingsProps, unknown>>, RegExp]> = [
    ['empty environmentId', { environmentId: '' }, /environmentId "" has 0 characters; FinSpace requires 1 to 26 characters/],
    [
      'environmentId of 27 characters',
      { environmentId: 'e'.repeat(27) },
      /environmentId "e{27}" has 27 characters; FinSpace requires 1 to 26 characters\. Use the FinSpace environment id/,
    ],
    [
      'empty userId',
      { userId: '' },
      /userId "" has 0 characters; FinSpace requires 1 to 26 characters with at least one non-whitespace character/,
    ],
    ['userId of 27 characters', { userId: 'u'.repeat(27) }, /userId "u{27}" has 27 characters/],
    [
      'blank userId',
      { userId: ' \t ' },
      /userId " \\t " is blank \(3 whitespace characters\); FinSpace requires 1 to 26 characters with at least one non-whitespace character/,
    ],
    ['userId of 27 emoji (27 code points)', { userId: '😀'.repeat(27) }, /userId .* has 27 characters/],
    [
      'userType not in the enum',
      { userType: 'ADMIN' },
      /userType "ADMIN" is not an allowed value; FinSpace requires one of SUPER_USER, APP_USER\. Use FinSpaceUserType/,
    ],
    [
      'apiAccess not in the enum',
      { apiAccess: 'enabled' },
      /apiAccess "enabled" is not an allowed value; FinSpace requires one of ENABLED, DISABLED/,
    ],
    [
      'IAM user ARN as principal',
      { apiAccessPrincipal: 'arn:aws:iam::123456789012:user/alice' },
      /apiAccessPrincipal "arn:aws:iam::123456789012:user\/alice" does not match the pattern; FinSpace requires an IAM role ARN .*IAM users and STS assumed-role ARNs are not accepted/,
    ],
    [
      'assumed-role ARN as principal',
      { apiAccessPrincipal: 'arn:aws:sts::123456789012:assumed-role/analyst/session' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      'wrong partition',
      { apiAccessPrincipal: 'arn:azure:iam::123456789012:role/analyst' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      '11-digit account',
      { apiAccessPrincipal: 'arn:aws:iam::12345678901:role/analyst' },
      /apiAccessPrincipal .* does not match the pattern/,
    ],
    [
      'principal ARN shorter than 20',
      { apiAccessPrincipal: 'arn:aws:iam::1:role' },
      /apiAccessPrincipal .* has 19 characters; FinSpace requires an IAM role ARN of 20 to 2048 characters/,
    ],
    [
      'principal ARN longer than 2048',
      { apiAccessPrincipal: `arn:aws:iam::123456789012:role/${'a'.repeat(2048)}` },
      /apiAccessPrincipal .* has 2079 characters/,
    ],
    ['a number where a string belongs', { userId: 42 }, /userId must be a string, but got a number; FinSpace requires 1 to 26 characters/],
    ['null environmentId', { environmentId: null }, /environmentId must be a string, but got null/],
    ['missing userId', { userId: undefined }, /userId is required/],
    ['bad onDelete setting', { onDelete: { apiAccess: 'OFF' } }, /onDelete\.apiAccess "OFF" is not an allowed value/],
    [
      'an array where a string belongs',
      { userId: ['u1'] },
      /userId must be a string, but got an array; FinSpace requires 1 to 26 characters/,
    ],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    expect(synth(props)).toThrow(message);
  });

  test('the message starts with the construct path', () => {
    expect(synth({ userId: '' })).toThrow(/^Invalid FinSpaceUserSettings S\/Settings: /);
  });

  test('every problem is reported at once, one sentence after another', () => {
    expect(synth({ userId: '', apiAccess: 'YES', userType: 'X' })).toThrow(/userId .*userType .*apiAccess /s);
    expect(synth({ userId: '', userType: 'X' })).toThrow('(GetUser/ListUsers return it). userType "X" is not an allowed value');
  });

  test('a long value is shown by its first 64 code points, then an ellipsis', () => {
    // 65 code points, 129 UTF-16 units: cut by code point, and only past 64.
    const long = `${'𝒳'.repeat(64)}Z`;
    expect(synth({ environmentId: long })).toThrow(`environmentId "${'𝒳'.repeat(64)}…" has 65 characters`);
    expect(synth({ environmentId: 'e'.repeat(64) })).toThrow(`environmentId "${'e'.repeat(64)}" has 64 characters`);
  });

  test.each([
    [
      'firstName',
      'A'.repeat(51),
      /firstName \(value hidden: the model marks it sensitive\) has 51 characters; FinSpace requires 1 to 50 characters with at least one non-whitespace character/,
    ],
    ['firstName', '', /firstName \(value hidden: the model marks it sensitive\) has 0 characters/],
    ['lastName', '    ', /lastName \(value hidden: the model marks it sensitive\) is blank \(4 whitespace characters\)/],
    ['lastName', 'Secretname'.repeat(6), /lastName \(value hidden: the model marks it sensitive\) has 60 characters/],
  ])('%s %j is rejected without echoing the sensitive value', (prop, value, message) => {
    let error: Error | undefined;
    try {
      synth({ [prop]: value })();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    if (value.trim()) expect(error?.message).not.toContain(value.slice(0, 10));
  });

  test('a plain string (possible from JavaScript) is refused with what to pass instead', () => {
    const stack = new Stack(new App(), 'S');
    const props = { ...VALID, apiAccessPrincipal: 'arn:aws:iam::123456789012:role/ok' } as unknown as FinSpaceUserSettingsProps;
    expect(() => new FinSpaceUserSettings(stack, 'Settings', props)).toThrow(
      "apiAccessPrincipal must be an iam.IRole, but got a string. For a role you have by ARN, pass iam.Role.fromRoleArn(this, 'Id', arn).",
    );
  });

  test.each([
    [null, 'null'],
    [42, '42'],
  ])('%j as principal is refused, naming what it got', (principal, shown) => {
    const stack = new Stack(new App(), 'S');
    const props = { ...VALID, apiAccessPrincipal: principal } as unknown as FinSpaceUserSettingsProps;
    expect(() => new FinSpaceUserSettings(stack, 'Settings', props)).toThrow(`apiAccessPrincipal must be an iam.IRole, but got ${shown}. `);
  });

  test('an imported role is checked by its ARN', () => {
    expect(
      synth({}, (stack) => ({ apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/ok') })),
    ).not.toThrow();
    expect(
      synth({}, (stack) => ({ apiAccessPrincipal: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/has space') })),
    ).toThrow(/apiAccessPrincipal "arn:aws:iam::123456789012:role\/has space" does not match the pattern/);
  });
});

describe('synth-time validation accepts every valid value and every token', () => {
  test.each([
    ['26-character userId', { userId: 'u'.repeat(26) }],
    ['26 emoji userId (52 UTF-16 units, 26 code points)', { userId: '😀'.repeat(26) }],
    ['userId with inner spaces', { userId: ' a b ' }],
    ['50-character names', { firstName: 'F'.repeat(50), lastName: 'L'.repeat(50) }],
    ['enums', { userType: FinSpaceUserType.SUPER_USER, apiAccess: ApiAccess.DISABLED }],
    ['role ARN with a path', { apiAccessPrincipal: 'arn:aws:iam::123456789012:role/service-role/team/analyst' }],
    ['GovCloud role ARN', { apiAccessPrincipal: 'arn:aws-us-gov:iam::123456789012:role/analyst' }],
    ['China role ARN', { apiAccessPrincipal: 'arn:aws-cn:iam::123456789012:role/analyst' }],
    ['role ARN with every allowed character', { apiAccessPrincipal: 'arn:aws:iam::123456789012:role/a_Z0+=,.@-/x' }],
  ])('%s', (_name, props) => {
    expect(synth(props)).not.toThrow();
  });

  test('tokens pass at synth time (the handler checks the resolved values)', () => {
    expect(
      synth({}, (stack) => ({
        environmentId: new CfnParameter(stack, 'Env').valueAsString,
        userId: Fn.importValue('SomeUserId'),
        firstName: new CfnParameter(stack, 'First').valueAsString,
        apiAccessPrincipal: new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }),
      })),
    ).not.toThrow();
  });
});

test('only the members the model marks sensitive are: firstName and lastName', () => {
  expect((Object.keys(RULES) as FieldName[]).filter(isSensitive)).toEqual(['firstName', 'lastName']);
});
