/**
 * CloudFormation's custom-resource protocol: the request it sends, and the answer, an HTTP PUT of JSON to the
 * pre-signed ResponseURL. The PUT is retried, since a lost answer leaves the stack waiting; the URL is never
 * logged or put in an error message (it is a credential for the stack's answer).
 */
import type * as http from 'node:http';

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface CustomResourceEvent {
  readonly RequestType: RequestType;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ServiceToken?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
}

/** CloudFormation rejects an answer larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/** Serializes the answer, shortening Reason so the whole body fits in 4096 bytes. */
export function serializeResponse(response: CustomResourceResponse): string {
  let body = JSON.stringify(response);
  if (Buffer.byteLength(body) <= MAX_RESPONSE_BYTES || !response.Reason) return body;
  let reason = response.Reason;
  while (Buffer.byteLength(body) > MAX_RESPONSE_BYTES && reason.length > 0) {
    const excess = Buffer.byteLength(body) - MAX_RESPONSE_BYTES;
    reason = reason.slice(0, Math.max(0, reason.length - excess - 16));
    body = JSON.stringify({ ...response, Reason: `${reason} [truncated]` });
  }
  return body;
}

function putOnce(url: URL, body: string, timeoutMs: number): Promise<number> {
  // Loaded on use: node:https (TLS) costs a cold start milliseconds an http URL does not need.
  const transport: typeof http = url.protocol === 'http:' ? require('node:http') : require('node:https');
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'PUT',
        // The pre-signed URL's signature covers an empty content type.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

export interface SendOptions {
  /** Epoch ms by which the answer must be delivered (the Lambda's own end). */
  readonly deadline: number;
  /** @default 6 */
  readonly maxAttempts?: number;
}

/**
 * PUTs the answer to the ResponseURL, retrying failures with backoff until it is accepted, the attempts run out
 * or the deadline comes. Returns whether CloudFormation accepted it; never throws.
 */
export async function sendResponse(responseUrl: string, response: CustomResourceResponse, options: SendOptions): Promise<boolean> {
  const body = serializeResponse(response);
  const maxAttempts = options.maxAttempts ?? 6;
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    console.error(JSON.stringify({ level: 'ERROR', message: 'ResponseURL is not a URL; CloudFormation cannot be answered' }));
    return false;
  }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const left = options.deadline - Date.now();
    // The first attempt is made however little time is left: an answer that may be cut off beats none.
    if (left <= 0 && attempt > 1) break;
    let outcome: string;
    try {
      const status = await putOnce(url, body, Math.max(1000, Math.min(10_000, left)));
      if (status >= 200 && status < 300) return true;
      outcome = `HTTP ${status}`;
    } catch (error) {
      outcome = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    console.warn(JSON.stringify({ level: 'WARN', message: 'answer to CloudFormation not accepted', attempt, outcome }));
    const backoff = Math.min(4000, 200 * 2 ** (attempt - 1));
    if (Date.now() + backoff >= options.deadline) break;
    await new Promise((resolve) => setTimeout(resolve, backoff));
  }
  console.error(JSON.stringify({ level: 'ERROR', message: 'could not deliver the answer to CloudFormation', requestId: response.RequestId }));
  return false;
}
