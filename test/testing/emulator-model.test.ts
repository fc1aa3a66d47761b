/**
 * The model's constraints, each at its bounds, through UpdateUser: what passes, and what is a ValidationException
 * naming the member and the rule (and changes nothing).
 */
import { MODEL } from '../../testing/emulator-model';
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { asAdmin, startSeeded } from '../support/seeded-emulator';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

const astral = (n: number) => '😀'.repeat(n); // n code points, 2n UTF-16 units
const arnOf = (length: number) => {
  const prefix = 'arn:aws:iam::123456789012:role/';
  return prefix + 'r'.repeat(length - prefix.length);
};

test.each([
  ['firstName of 50 astral code points', { firstName: astral(50) }],
  ['lastName of 50 code points', { lastName: 'L'.repeat(50) }],
  ['names of 1 code point', { firstName: 'A', lastName: '😀' }],
  ['apiAccessPrincipalArn of 2048 characters', { apiAccessPrincipalArn: arnOf(2048) }],
  ['a role ARN of another partition', { apiAccessPrincipalArn: 'arn:aws-us-gov:iam::123456789012:role/alice' }],
  // The model's pattern makes the slash after "role" optional; the emulator keeps it as the model has it.
  ['a role ARN without the slash the model does not require', { apiAccessPrincipalArn: 'arn:aws:iam::123456789012:rolealice' }],
  ['clientToken of 128 characters', { clientToken: 't'.repeat(128) }],
  ['clientToken of 1 character', { clientToken: 't' }],
  ['every enum value', { type: 'SUPER_USER', apiAccess: 'ENABLED' }],
  ['the other enum values', { type: 'APP_USER', apiAccess: 'DISABLED' }],
])('accepts %s', async (_name, members) => {
  const admin = await asAdmin(emulator);
  await expect(admin.updateUser({ userId: 'u1', ...members })).resolves.toEqual({ userId: 'u1' });
});

/** The reason and message of each broken rule. */
const length = (name: string, min: number, max: number) => ['INVALID_LENGTH', `${name} must have length between ${min} and ${max}`];
const pattern = (name: string, rule: RegExp) => ['INVALID_PATTERN', `${name} must satisfy pattern ${rule.source}`];
const oneOf = (name: string, values: string) => ['INVALID_ENUM', `${name} must be one of ${values}`];
const TYPES = 'SUPER_USER, APP_USER';
const API_ACCESS = 'ENABLED, DISABLED';

test.each([
  [{ userId: 'u'.repeat(27) }, length('userId', 1, 26)],
  [{ userId: astral(27) }, length('userId', 1, 26)],
  [{ userId: '   ' }, pattern('userId', MODEL.nonBlank)],
  [{ userId: 'u1', firstName: '' }, length('firstName', 1, 50)],
  [{ userId: 'u1', firstName: 'x'.repeat(51) }, length('firstName', 1, 50)],
  [{ userId: 'u1', firstName: astral(51) }, length('firstName', 1, 50)],
  [{ userId: 'u1', firstName: '\t \n' }, pattern('firstName', MODEL.nonBlank)],
  [{ userId: 'u1', lastName: '' }, length('lastName', 1, 50)],
  [{ userId: 'u1', lastName: ' ' }, pattern('lastName', MODEL.nonBlank)],
  [{ userId: 'u1', lastName: 'x'.repeat(51) }, length('lastName', 1, 50)],
  [{ userId: 'u1', lastName: 'x'.repeat(500) }, length('lastName', 1, 50)],
  [{ userId: 'u1', type: 'ROOT' }, oneOf('type', TYPES)],
  [{ userId: 'u1', type: 'super_user' }, oneOf('type', TYPES)],
  [{ userId: 'u1', apiAccess: 'YES' }, oneOf('apiAccess', API_ACCESS)],
  [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:user/alice' }, pattern('apiAccessPrincipalArn', MODEL.roleArn)],
  [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::1234567890:role/alice' }, pattern('apiAccessPrincipalArn', MODEL.roleArn)],
  [{ userId: 'u1', apiAccessPrincipalArn: 'xarn:aws:iam::123456789012:role/alice' }, pattern('apiAccessPrincipalArn', MODEL.roleArn)],
  [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/alice!' }, pattern('apiAccessPrincipalArn', MODEL.roleArn)],
  [{ userId: 'u1', apiAccessPrincipalArn: arnOf(2049) }, length('apiAccessPrincipalArn', 20, 2048)],
  [{ userId: 'u1', apiAccessPrincipalArn: 'arn:aws:iam::1:role' }, length('apiAccessPrincipalArn', 20, 2048)],
  [{ userId: 'u1', clientToken: 'x'.repeat(129) }, length('clientToken', 1, 128)],
  [{ userId: 'u1', clientToken: '' }, length('clientToken', 1, 128)],
  [{ userId: 'u1', clientToken: '  ' }, pattern('clientToken', MODEL.nonBlank)],
  [{ userId: 'u1', firstName: 7 }, ['INVALID_TYPE', 'firstName must be a string']],
  [{ userId: 'u1', apiAccess: true }, oneOf('apiAccess', API_ACCESS)],
])('UpdateUser %j is a ValidationException %j, and nothing changes', async (input, [reason, message]) => {
  const before = emulator.getUser('env1', 'u1');
  const admin = await asAdmin(emulator);
  const refused = { name: 'ValidationException', reason, message, $metadata: { httpStatusCode: 400 } };
  await expect(admin.updateUser(input as { userId: string })).rejects.toMatchObject(refused);
  expect(emulator.getUser('env1', 'u1')).toEqual(before);
});
