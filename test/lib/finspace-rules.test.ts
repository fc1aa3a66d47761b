/**
 * The model's rules as stated: which members are sensitive, the role ARN pattern verbatim, and messages word for word.
 * How the construct applies them to its props is in finspace-user-settings.test.ts.
 */
import { checkField, isSensitive, ROLE_ARN_PATTERN, RULES, type FieldName } from '../../lib/finspace-rules';

test('only the members the model marks sensitive are: firstName and lastName', () => {
  expect((Object.keys(RULES) as FieldName[]).filter(isSensitive)).toEqual(['firstName', 'lastName']);
});

test("the role ARN rule is the FinSpace model's pattern, verbatim", () => {
  expect(ROLE_ARN_PATTERN.source).toBe('^arn:aws[a-z\\-]*:iam::\\d{12}:role\\/?[a-zA-Z_0-9+=,.@\\-_/]+$');
});

const BLANK_NAME = (field: string) =>
  `${field} (value hidden: the model marks it sensitive) is blank (1 whitespace characters); FinSpace requires 1 to 50 characters ` +
  'with at least one non-whitespace character. Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.';

test.each([
  ['a blank firstName', 'firstName', ' ', BLANK_NAME('firstName')],
  ['a blank lastName', 'lastName', ' ', BLANK_NAME('lastName')],
  [
    'an apiAccess that is not one of the enum',
    'apiAccess',
    'YES',
    'apiAccess "YES" is not an allowed value; FinSpace requires one of ENABLED, DISABLED. Use ApiAccess.ENABLED or ApiAccess.DISABLED.',
  ],
] as const)('%s: the rule and what to do, word for word', (_name, field, value, message) => {
  expect(checkField(field, value)).toBe(message);
});
