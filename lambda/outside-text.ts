/**
 * A reason is made of parts: the library's own text, kept as it is, and text from outside (a service's words, an
 * unknown error name), shown only as outside-words.ts allows. An error not made of parts is outside text as a whole.
 */
import { REJECTED_CREDENTIAL_ERROR_NAMES } from './error-names';

/** Text from outside the library. */
export interface OutsideText {
  readonly outside: string;
}

export type ReasonPart = string | OutsideText;

export function outside(text: string): OutsideText {
  return { outside: text };
}

/** The parts as one plain string (for Error.message, which is never answered or logged as it is). */
export function plainText(parts: readonly ReasonPart[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part.outside)).join('');
}

/** An error whose message is made of parts, so that a reason built from it filters the outside ones only. */
export class ComposedError extends Error {
  constructor(
    readonly parts: readonly ReasonPart[],
    options?: { cause?: unknown },
  ) {
    super(plainText(parts), options);
    this.name = 'ComposedError';
  }
}

/**
 * The parts of any thrown value: a ComposedError's own, an error's message when it says it is the library's own
 * (`ownMessage`, as the FinSpace client's errors for answers without a message do), otherwise its whole message as
 * outside text.
 */
export function partsOf(error: unknown): readonly ReasonPart[] {
  if (error instanceof ComposedError) return error.parts;
  if (error instanceof Error && (error as { ownMessage?: unknown }).ownMessage === true) return [error.message];
  if (error instanceof Error) return [outside(typeof error.message === 'string' ? error.message : '')];
  return [outside(typeof error === 'string' ? error : 'a non-Error value was thrown')];
}

/**
 * The error names the library knows (FinSpace's model, the SDK's credential errors, its own): they are its words,
 * not an echo, so a first name "Access" never turns AccessDeniedException into something that reveals it.
 */
const KNOWN_ERROR_NAMES = new Set([
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'LimitExceededException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'ValidationException',
  ...REJECTED_CREDENTIAL_ERROR_NAMES,
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
]);

/** An error name or code: the library's word when it knows it (or made it: Http404Error), outside text otherwise. */
export function errorNamePart(name: string): ReasonPart {
  return KNOWN_ERROR_NAMES.has(name) || /^Http\d{3}Error$/.test(name) ? name : outside(name);
}

/**
 * A network error's code (ECONNRESET, ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID, ...): Node.js's own words, upper case
 * letters, digits and underscores. Anything else is outside text.
 */
export function networkCodePart(code: string): ReasonPart {
  return /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : outside(code);
}

/** A service's request id: shown as it is when it has the shape of one (a UUID), outside text otherwise. */
export function requestIdPart(id: string): ReasonPart {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : outside(id);
}
