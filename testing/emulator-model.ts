/**
 * The FinSpace Data model as the emulator states it: its errors and its members' constraints, restated here on
 * purpose, apart from lib/ and lambda/, so that a wrong rule there cannot pass its own test.
 */

/** An error answer of the service: HTTP status, error name, message, and the model's reason when it has one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly reason?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The model's error for an HTTP status (an injected fault of another status is `Http<status>`). */
export const ERROR_FOR_STATUS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  409: 'ConflictException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

export const MODEL = {
  nonBlank: /.*\S.*/,
  // eslint-disable-next-line no-useless-escape -- the service model's pattern, verbatim
  roleArn: /^arn:aws[a-z\-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
  userTypes: ['SUPER_USER', 'APP_USER'],
  apiAccess: ['ENABLED', 'DISABLED'],
};
/** The members of UpdateUser's body. */
export const UPDATE_MEMBERS = ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn', 'clientToken'];

function length(value: string): number {
  return [...value].length;
}

export function requireString(name: string, value: unknown, min: number, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string') throw new ApiError(400, 'ValidationException', `${name} must be a string`, 'INVALID_TYPE');
  const n = length(value);
  if (n < min || n > max)
    throw new ApiError(400, 'ValidationException', `${name} must have length between ${min} and ${max}`, 'INVALID_LENGTH');
  if (pattern && !pattern.test(value))
    throw new ApiError(400, 'ValidationException', `${name} must satisfy pattern ${pattern.source}`, 'INVALID_PATTERN');
  return value;
}

export function requireEnum(name: string, value: unknown, values: string[]): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: the allowed values are strings, so a value that is not a string is never among them.
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new ApiError(400, 'ValidationException', `${name} must be one of ${values.join(', ')}`, 'INVALID_ENUM');
  }
  return value;
}
