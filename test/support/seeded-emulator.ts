/**
 * The emulator the tests of test/testing/finspace-emulator and emulator-* start for each test (in env1, a superuser
 * `admin` whose API access principal is ROLE, and an app user `u1`), and the ways they call it.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { FinSpaceDataClient } from '../../lambda/finspace-client';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { signedRequest, type RawAnswer, type SignedRequestInit } from './signed-request';

export const ROLE = 'arn:aws:iam::123456789012:role/handler';
export const ADMIN = { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE } as const;

export function startSeeded(): Promise<FinSpaceEmulator> {
  return FinSpaceEmulator.start({ environments: { env1: [{ ...ADMIN }, { userId: 'u1', type: 'APP_USER' }] } });
}

/** The project's client, signing with ROLE's credentials unless given others. */
export function client(emulator: FinSpaceEmulator, credentials: AwsCredentialIdentity = emulator.roleCredentials(ROLE)) {
  return new FinSpaceDataClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials });
}

/** Temporary credentials of ROLE's user in the environment: they act as `admin` in env1. */
export async function adminCredentials(emulator: FinSpaceEmulator, environmentId = 'env1'): Promise<AwsCredentialIdentity> {
  const { credentials } = await client(emulator).getProgrammaticAccessCredentials({ environmentId });
  return credentials as AwsCredentialIdentity;
}

export async function asAdmin(emulator: FinSpaceEmulator) {
  return client(emulator, await adminCredentials(emulator));
}

/** GetProgrammaticAccessCredentials for env1, signed with `credentials`; `init` overrides any part of the request. */
export function getCredentials(emulator: FinSpaceEmulator, credentials: AwsCredentialIdentity, init: Partial<SignedRequestInit> = {}) {
  return signedRequest(emulator.endpoint, credentials, { path: '/credentials/programmatic', query: { environmentId: 'env1' }, ...init });
}

/** UpdateUser of u1 with a raw body. */
export function updateRaw(emulator: FinSpaceEmulator, credentials: AwsCredentialIdentity, body: string): Promise<RawAnswer> {
  return signedRequest(emulator.endpoint, credentials, { method: 'PUT', path: '/user/u1', body });
}

/** A request with no signature, as sent: status, error type (without its suffix) and body. */
export async function unsigned(emulator: FinSpaceEmulator, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const answer = await fetch(`${emulator.endpoint}${path}`, { method, headers });
  return {
    status: answer.status,
    errorType: answer.headers.get('x-amzn-errortype')?.split(':')[0],
    body: (await answer.json()) as Record<string, unknown>,
  };
}

/** An error answer as FinSpace gives it: status, error type, and a body of message and reason (if it has one). */
export function refusal(status: number, errorType: string, message: string, reason?: string) {
  return { status, errorType, body: reason ? { message, reason } : { message } };
}
