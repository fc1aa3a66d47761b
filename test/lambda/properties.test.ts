/**
 * The resource properties as CloudFormation delivers them, checked before any call: every problem named at once,
 * with the rule, the allowed names, and never a sensitive value.
 */
import { InvalidPropertiesError, parseProperties, valid } from '../../lambda/properties';

const problemsOf = (properties: unknown): readonly string[] => {
  const error = parseProperties(properties);
  if (!(error instanceof InvalidPropertiesError)) throw new Error('expected a failure');
  expect(error.name).toBe('InvalidPropertiesError');
  expect(error.message).toBe(`Invalid FinSpaceUserSettings properties: ${error.problems.join(' ')}`);
  expect(() => valid(error)).toThrow(error);
  return error.problems;
};

test('broken properties say whether they carry onDelete at all, valid or not', () => {
  const declares = (properties: unknown) => (parseProperties(properties) as InvalidPropertiesError).declaresOnDelete;
  expect([
    declares({ userId: 'u' }),
    declares({ userId: 'u', onDelete: {} }),
    declares({ userId: 'u', onDelete: 'x' }),
    declares('x'),
  ]).toEqual([false, true, true, false]);
});

test("valid properties: ids, the settings given (and only those), onDelete; CloudFormation's own keys accepted", () => {
  expect(
    parseProperties({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      ServiceTimeout: '360',
      environmentId: 'env1',
      userId: 'u1',
      type: 'APP_USER',
      firstName: 'Ada',
      onDelete: { apiAccess: 'DISABLED' },
    }),
  ).toEqual({ environmentId: 'env1', userId: 'u1', settings: { type: 'APP_USER', firstName: 'Ada' }, onDelete: { apiAccess: 'DISABLED' } });
  expect(parseProperties({ environmentId: 'env1', userId: 'u1' })).toEqual({
    environmentId: 'env1',
    userId: 'u1',
    settings: {},
    onDelete: undefined,
  });
});

test('not an object', () => {
  for (const value of [null, 'x', 42, ['a']]) expect(problemsOf(value)).toEqual(['ResourceProperties must be an object.']);
});

test('every problem at once: unknown keys with the allowed ones, missing and invalid ids, bad settings, a bad onDelete', () => {
  expect(
    problemsOf({ colour: 'blue', size: 1, environmentId: '', type: 'ROOT', firstName: '   ', onDelete: { apiAccess: 'NO', email: 'x' } }),
  ).toEqual([
    'Unknown properties "colour", "size"; allowed: environmentId, userId, onDelete, type, firstName, lastName, apiAccess, apiAccessPrincipalArn.',
    'environmentId "" has 0 characters; FinSpace requires 1 to 26 characters. Use the FinSpace environment id: the subdomain of the environment\'s sign-in URL.',
    'userId is required.',
    'type "ROOT" is not an allowed value; FinSpace requires one of SUPER_USER, APP_USER. Use FinSpaceUserType.SUPER_USER or FinSpaceUserType.APP_USER.',
    'firstName (value hidden: the model marks it sensitive) is blank (3 whitespace characters); FinSpace requires 1 to 50 characters with at least one non-whitespace character. Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
    'Unknown onDelete properties "email"; allowed: type, firstName, lastName, apiAccess, apiAccessPrincipalArn.',
    'onDelete.apiAccess "NO" is not an allowed value; FinSpace requires one of ENABLED, DISABLED. Use ApiAccess.ENABLED or ApiAccess.DISABLED.',
  ]);
});

test('onDelete must be an object of settings', () => {
  for (const onDelete of ['DISABLED', null, ['apiAccess']]) {
    expect(problemsOf({ environmentId: 'e', userId: 'u', onDelete })).toEqual(['onDelete must be an object of settings.']);
  }
});

test('a setting that is not a string is named with its kind', () => {
  expect(problemsOf({ environmentId: 'e', userId: 'u', lastName: 5 })).toEqual([
    'lastName must be a string, but got a number; FinSpace requires 1 to 50 characters with at least one non-whitespace character. Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
  ]);
});

test('several unknown onDelete keys are listed, comma-separated', () => {
  expect(problemsOf({ environmentId: 'e', userId: 'u', onDelete: { a: 1, b: 2 } })).toEqual([
    'Unknown onDelete properties "a", "b"; allowed: type, firstName, lastName, apiAccess, apiAccessPrincipalArn.',
  ]);
});
