/**
 * Which words of a failure are the library's (kept as they are) and which came from outside (searched for names):
 * every error name the library knows, and only those and its own HttpNNNError, are its words; a network code is
 * Node.js's word only in Node.js's form.
 */
import { REJECTED_CREDENTIAL_ERROR_NAMES } from '../../lambda/error-names';
import { ComposedError, errorNamePart, networkCodePart, outside, partsOf } from '../../lambda/outside-text';

const KNOWN = [
  // FinSpace's model.
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'LimitExceededException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'ValidationException',
  // What the SDK runtime and the FinSpace client name.
  'UnknownOperationException',
  'ServiceUnavailableException',
  'DeserializationError',
  'TimeoutError',
  'InvalidResponse',
  'EndpointUnreachable',
  'Error',
  // The handler's own.
  'RetryBudgetExhaustedError',
  'EndpointUnreachableError',
  'FinSpaceCallError',
  'ComposedError',
];

test.each([...KNOWN, ...REJECTED_CREDENTIAL_ERROR_NAMES])('%s is the library’s word, never searched for a name', (name) => {
  expect(errorNamePart(name)).toBe(name);
});

test('the credential errors FinSpace and the SDK report are the seven the library refreshes credentials on', () => {
  expect([...REJECTED_CREDENTIAL_ERROR_NAMES].sort()).toEqual(
    [
      'ExpiredTokenException',
      'ExpiredToken',
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId',
    ].sort(),
  );
});

test.each([
  ['Http404Error', 'Http404Error'],
  ['Http503Error', 'Http503Error'],
  ['an unknown name', outside('AdaException')],
  ['a status name with text before it', outside('xHttp404Error')],
  ['a status name with text after it', outside('Http404Errors')],
  ['an empty name', outside('')],
])('an error name the library did not make is outside text: %s', (_case, expected) => {
  const name = typeof expected === 'string' ? expected : expected.outside;
  expect(errorNamePart(name)).toEqual(expected);
});

test.each([
  ['ECONNRESET', 'ECONNRESET'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ['lower case before it', outside('eCONNRESET')],
  ['other characters after it', outside('ECONNRESET Ada')],
  ['one letter', outside('E')],
  ['more than 64 characters', outside(`E${'X'.repeat(64)}`)],
])('a network code is Node.js’s word only as upper case letters, digits and underscores: %s', (_case, expected) => {
  const code = typeof expected === 'string' ? expected : expected.outside;
  expect(networkCodePart(code)).toEqual(expected);
});

test('a ComposedError says what it is, keeps its parts, and its message is their plain text', () => {
  const error = new ComposedError(['UpdateUser failed: ', outside('Ada is not allowed')]);
  expect([error.name, error.message, error.parts]).toEqual([
    'ComposedError',
    'UpdateUser failed: Ada is not allowed',
    ['UpdateUser failed: ', { outside: 'Ada is not allowed' }],
  ]);
});

test('the parts of anything thrown: an error whose message is not a string has none; a non-Error value is described', () => {
  expect(partsOf(Object.assign(new Error('x'), { message: 42 }))).toEqual([outside('')]);
  expect(partsOf(new Error('Ada failed'))).toEqual([outside('Ada failed')]);
  expect(partsOf(Object.assign(new Error('our words'), { ownMessage: true }))).toEqual(['our words']);
  expect(partsOf('Ada')).toEqual([outside('Ada')]);
  expect(partsOf(42)).toEqual([outside('a non-Error value was thrown')]);
});
