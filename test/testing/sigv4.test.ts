/**
 * The emulator's SigV4 verifier, on its own: it must compute the signature the AWS SDK's signer computes for requests
 * whose canonical form takes work (query parameters out of order, repeated keys, keys without values, encoded spaces,
 * headers with runs of spaces, reserved characters in the path), and refuse what is not a SigV4 header, a date or a
 * matching signature. The claim "the emulator verifies every request's SigV4 signature" rests on it.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { expectedSignature, parseAmzDate, parseAuthorization, signaturesMatch } from '../../testing/sigv4';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

async function signedBySdk(init: {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
}) {
  const signer = new SignatureV4({
    credentials: CREDENTIALS,
    region: 'us-east-1',
    service: 'finspace-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = new HttpRequest({ protocol: 'https:', hostname: 'finspace-api.us-east-1.amazonaws.com', ...init });
  return signer.sign(request, { signingDate: new Date('2026-12-02T08:00:00Z') });
}

interface Case {
  name: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** The request target as the client sends it. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

test.each<Case>([
  {
    name: 'query parameters out of order, a repeated key, a key without a value and encoded spaces',
    method: 'GET',
    path: '/credentials/programmatic',
    query: { zeta: 'z', environmentId: 'env 1', durationInMinutes: '60', empty: '', multi: ['b', 'a'] },
    url: '/credentials/programmatic?zeta=z&multi=b&environmentId=env+1&durationInMinutes=60&empty&multi=a',
    headers: { 'x-custom': '  two   spaces  inside ' },
    body: '',
  },
  {
    name: 'reserved characters in the path (each segment encoded once more), and a body',
    method: 'PUT',
    path: '/user/u%2A%21%27%28%29%20x',
    query: {},
    url: '/user/u%2A%21%27%28%29%20x',
    headers: { 'content-type': 'application/json' },
    body: '{"userId":"u1"}',
  },
])('the SDK signer and the verifier agree: $name', async ({ method, path, query, url, headers, body }) => {
  const signed = await signedBySdk({
    method,
    path,
    query,
    headers,
    body,
  });
  const lowered = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const auth = parseAuthorization(lowered.authorization)!;
  expect(auth).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', date: '20261202', region: 'us-east-1', service: 'finspace-api' });
  const expected = expectedSignature({ method, url, headers: lowered, body: Buffer.from(body) }, auth, CREDENTIALS.secretAccessKey);
  expect(expected).toBe(auth.signature);
  expect(expectedSignature({ method, url, headers: lowered, body: Buffer.from(`${body} `) }, auth, CREDENTIALS.secretAccessKey)).not.toBe(
    auth.signature,
  );
});

test('an Authorization header is SigV4 whole or not at all; the separators may lack their space', () => {
  const header = `AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/finspace-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`;
  expect(parseAuthorization(header)).toEqual({
    accessKeyId: 'AKID',
    date: '20261202',
    region: 'us-east-1',
    service: 'finspace-api',
    signedHeaders: ['host', 'x-amz-date'],
    signature: 'a'.repeat(64),
  });
  expect(parseAuthorization(header.replace(', SignedHeaders', ',SignedHeaders').replace(', Signature', ',Signature'))).toBeDefined();
  for (const bad of [`x${header}`, `${header}0`, `${header} `, header.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'), undefined])
    expect([bad, parseAuthorization(bad)]).toEqual([bad, undefined]);
});

test('signatures match only when equal, of the same length, and not empty', () => {
  const a = 'ab'.repeat(32);
  expect(signaturesMatch(a, a)).toBe(true);
  expect(signaturesMatch(a, `${'ab'.repeat(31)}ac`)).toBe(false);
  expect(signaturesMatch(a, 'ab'.repeat(31))).toBe(false);
  expect(signaturesMatch('', '')).toBe(false);
});

test('an x-amz-date is yyyyMMddTHHmmssZ whole, or no date', () => {
  expect(parseAmzDate('20261202T080000Z')).toBe(Date.UTC(2026, 11, 2, 8, 0, 0));
  for (const bad of ['x20261202T080000Z', '20261202T080000Zx', '2026-12-02T08:00:00Z', undefined])
    expect([bad, parseAmzDate(bad)]).toEqual([bad, undefined]);
});
