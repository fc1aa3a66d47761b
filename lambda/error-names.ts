/**
 * The error names that mean "these temporary credentials no longer work", as FinSpace and the SDK report them:
 * credentials are fetched afresh on them, and they are among the library's own words.
 */
export const REJECTED_CREDENTIAL_ERROR_NAMES: readonly string[] = [
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
];
