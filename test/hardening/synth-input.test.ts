/**
 * Bad input at synth, generated: fast-check builds invalid props of every kind the model forbids, plus named cases;
 * each must be rejected with a message that names the prop and the rule (and never echoes a sensitive value).
 * Valid values, tokens included, must pass; the generators reach the model's bounds (ids of exactly 26 and names of
 * exactly 50 code points, astral ones included). The counts must match the README's Guarantees table.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { FinSpaceUserSettings, type FinSpaceUserSettingsProps } from '../../lib';
import { withRoles } from '../support/role';
import { GUARANTEES } from './guarantees';

const VALID = { environmentId: 'r4nd0menv1d', userId: 'uAbCdEf0123456789' };
const counts = { generatedInvalid: 0, namedInvalid: 0, generatedValid: 0, tokenCases: 0 };

/** Code points, not UTF-16 units: the model's lengths count these. Astral ones are two UTF-16 units each. */
const char = fc.constantFrom(...'abcXYZ019-_.@é中😀𝔸🎉'.split(/(?:)/u));
const astral = fc.constantFrom('😀', '𝔸', '🎉');
const space = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2003');
/** Lengths from min to max, with the bounds themselves drawn often, and all-astral strings of the exact bound. */
const text = (min: number, max: number) =>
  fc
    .oneof(
      fc.array(char, { minLength: min, maxLength: max }),
      fc.array(char, { minLength: max, maxLength: max }),
      fc.array(astral, { minLength: max, maxLength: max }),
      fc.array(char, { minLength: min, maxLength: min }),
    )
    .map((cs) => cs.join(''));
const blank = (min: number, max: number) => fc.array(space, { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const nonString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant({}), fc.constant([]), fc.double());
const account = fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: 12, maxLength: 12 }).map((d) => d.join(''));
const roleName = fc.array(fc.constantFrom(...'abcXYZ019+=,.@-_'.split('')), { minLength: 1, maxLength: 40 }).map((c) => c.join(''));

interface Bad {
  readonly prop: string;
  readonly props: Record<string, unknown>;
  readonly sensitive?: boolean;
}

const badString = (prop: string, min: number, max: number, blankAllowed: boolean, sensitive = false): fc.Arbitrary<Bad> =>
  fc
    .oneof(
      text(max + 1, max + 12),
      fc.array(astral, { minLength: max + 1, maxLength: max + 1 }).map((cs) => cs.join('')),
      min > 0 ? fc.constant('') : fc.constant('x'.repeat(max + 1)),
      ...(blankAllowed ? [] : [blank(1, max)]),
      nonString,
    )
    .map((value) => ({ prop, props: { [prop]: value }, sensitive }));

const badPrincipal: fc.Arbitrary<Bad> = fc
  .oneof(
    fc.tuple(account, roleName).map(([a, n]) => `arn:aws:iam::${a}:user/${n}`),
    fc.tuple(account, roleName, roleName).map(([a, r, s]) => `arn:aws:sts::${a}:assumed-role/${r}/${s}`),
    fc.tuple(fc.constantFrom('azure', 'gcp', 'AWS', 'aws_cn', 'arn'), account, roleName).map(([p, a, n]) => `arn:${p}:iam::${a}:role/${n}`),
    fc.tuple(fc.integer({ min: 1, max: 11 }), roleName).map(([d, n]) => `arn:aws:iam::${'1'.repeat(d)}:role/${n}`),
    fc.tuple(account, fc.constantFrom(' ', '!', '#', '*', 'é')).map(([a, c]) => `arn:aws:iam::${a}:role/ab${c}cd`),
    account.map((a) => `arn:aws:iam::${a}:role/${'r'.repeat(2048)}`),
    nonString,
  )
  .map((value) => ({ prop: 'apiAccessPrincipal', props: { apiAccessPrincipal: value } }));

const badEnum = (prop: 'userType' | 'apiAccess', allowed: string[]) =>
  fc
    .oneof(
      fc.string({ maxLength: 20 }).filter((s) => !allowed.includes(s)),
      nonString,
    )
    .map((value) => ({ prop, props: { [prop]: value } }));

const invalid: fc.Arbitrary<Bad> = fc.oneof(
  badString('environmentId', 1, 26, true),
  badString('userId', 1, 26, false),
  badString('firstName', 1, 50, false, true),
  badString('lastName', 1, 50, false, true),
  badPrincipal,
  badEnum('userType', ['SUPER_USER', 'APP_USER']),
  badEnum('apiAccess', ['ENABLED', 'DISABLED']),
  badEnum('apiAccess', ['ENABLED', 'DISABLED']).map((b) => ({ prop: 'onDelete.apiAccess', props: { onDelete: b.props } })),
);

function synthError(props: Record<string, unknown>): Error | undefined {
  const stack = new Stack(new App(), 'S');
  try {
    new FinSpaceUserSettings(stack, 'Settings', withRoles({ ...VALID, ...props }) as unknown as FinSpaceUserSettingsProps);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function expectRejected(bad: Bad): void {
  const error = synthError(bad.props);
  expect(error).toBeDefined();
  expect(error!.message).toContain(bad.prop);
  expect(error!.message).toMatch(/FinSpace requires|is required/);
  if (bad.sensitive) {
    const value = Object.values(bad.props)[0];
    if (typeof value === 'string' && value.trim().length >= 3) expect(error!.message).not.toContain(value);
  }
}

test('every generated invalid prop is rejected with the prop and the rule', () => {
  fc.assert(
    fc.property(invalid, (bad) => {
      counts.generatedInvalid++;
      expectRejected(bad);
    }),
    { numRuns: GUARANTEES.synth.generatedInvalid },
  );
});

test.each<[string, Record<string, unknown>, string]>([
  ['userId of 27 emoji', { userId: '😀'.repeat(27) }, 'userId'],
  ['userId of only a no-break space', { userId: '\u00a0' }, 'userId'],
  ['IAM user', { apiAccessPrincipal: 'arn:aws:iam::123456789012:user/alice' }, 'apiAccessPrincipal'],
  ['assumed role', { apiAccessPrincipal: 'arn:aws:sts::123456789012:assumed-role/r/s' }, 'apiAccessPrincipal'],
  ['role ARN with a trailing newline', { apiAccessPrincipal: 'arn:aws:iam::123456789012:role/r\n' }, 'apiAccessPrincipal'],
  ['lower-case enum', { userType: 'app_user' }, 'userType'],
  ['empty environment id', { environmentId: '' }, 'environmentId'],
  ['a number for environmentId', { environmentId: 7 }, 'environmentId'],
  ['an object for firstName', { firstName: { first: 'x' } }, 'firstName'],
  ['undefined userId', { userId: undefined }, 'userId'],
])('named case: %s', (_name, props, prop) => {
  counts.namedInvalid++;
  expectRejected({ prop, props });
});

const validString = (min: number, max: number) => text(min, max).filter((s) => /\S/.test(s));
const validPrincipal = fc
  .tuple(fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'), account, fc.constantFrom('', 'path/', 'a/b/'), roleName)
  .map(([p, a, path, n]) => `arn:${p}:iam::${a}:role/${path}${n}`)
  .filter((arn) => arn.length >= 20);

test('every generated valid prop is accepted, and tokens pass', () => {
  fc.assert(
    fc.property(
      fc.record(
        {
          environmentId: text(1, 26),
          userId: validString(1, 26),
          firstName: validString(1, 50),
          lastName: validString(1, 50),
          apiAccessPrincipal: validPrincipal,
          userType: fc.constantFrom('SUPER_USER', 'APP_USER'),
          apiAccess: fc.constantFrom('ENABLED', 'DISABLED'),
        },
        { requiredKeys: ['environmentId', 'userId'] },
      ),
      (props) => {
        counts.generatedValid++;
        expect(synthError(props)).toBeUndefined();
      },
    ),
    { numRuns: GUARANTEES.synth.generatedValid },
  );
  const stack = new Stack(new App(), 'T');
  expect(
    () =>
      new FinSpaceUserSettings(stack, 'Tokens', {
        environmentId: new CfnParameter(stack, 'Env').valueAsString,
        userId: new CfnParameter(stack, 'User').valueAsString,
        firstName: new CfnParameter(stack, 'First').valueAsString,
        apiAccessPrincipal: new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }),
      }),
  ).not.toThrow();
  counts.tokenCases++;
});

test('the valid generators reach the bounds: 26-code-point ids and 50-code-point names with astral characters', () => {
  const samples = fc.sample(validString(1, 50), 400);
  expect(samples.some((s) => [...s].length === 50 && s.length > 50)).toBe(true);
  expect(fc.sample(validString(1, 26), 400).some((s) => [...s].length === 26)).toBe(true);
  expect(fc.sample(text(1, 26), 400).some((s) => [...s].length === 1)).toBe(true);
});

test("the counts are the README's", () => {
  expect(counts).toEqual(GUARANTEES.synth);
});
