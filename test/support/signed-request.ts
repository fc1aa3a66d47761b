/**
 * Raw SigV4-signed requests to the emulator, for tests that probe its rules beyond what the handler's client sends:
 * GetUser (the handler never calls it), other services or regions, old signing dates, tampered bodies.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

export interface SignedRequestInit {
  readonly method?: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly service?: string;
  readonly region?: string;
  readonly signingDate?: Date;
  /** Changes the body after signing, so the signature no longer covers it. */
  readonly tamperedBody?: string;
  /** Headers added after signing (unsigned). */
  readonly extraHeaders?: Record<string, string>;
}

export interface RawAnswer {
  readonly status: number;
  readonly errorType?: string;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export async function signedRequest(endpoint: string, credentials: AwsCredentialIdentity, init: SignedRequestInit): Promise<RawAnswer> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: init.service ?? 'finspace-api',
    region: init.region ?? 'us-east-1',
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const headers: Record<string, string> = { host: url.host };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const request = new HttpRequest({
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    method: init.method ?? 'GET',
    path: init.path,
    query: init.query ?? {},
    headers,
    body: init.body,
  });
  const signed = await signer.sign(request, init.signingDate ? { signingDate: init.signingDate } : undefined);
  const query = new URLSearchParams(init.query ?? {}).toString();
  const { host: _host, ...sent } = signed.headers;
  const response = await fetch(`${endpoint}${signed.path}${query ? `?${query}` : ''}`, {
    method: signed.method,
    headers: { ...sent, ...init.extraHeaders },
    body: init.tamperedBody ?? init.body,
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype')?.split(':')[0],
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** GetUser as a FinSpace user's temporary credentials would call it. */
export function getUser(endpoint: string, credentials: AwsCredentialIdentity, userId: string): Promise<RawAnswer> {
  return signedRequest(endpoint, credentials, { path: `/user/${encodeURIComponent(userId)}` });
}
