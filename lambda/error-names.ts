/**
 * The error names of a request whose temporary credentials no longer work (expired, or not recognized), as FinSpace
 * and the SDK report them. finspace-access.ts fetches fresh credentials on them; outside-text.ts counts them among
 * the library's own words.
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
