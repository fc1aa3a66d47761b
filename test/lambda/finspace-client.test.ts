/**
 * The FinSpace client and the retry loop over real HTTP against the emulator (which checks SigV4 itself).
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceDataClient, FinSpaceDataServiceError, resolveEndpoint } from '../../lambda/finspace-client';
import { classify, DEFAULT_RETRY_POLICY, newRetryStats, RetryBudgetExhaustedError, retryUntilDeadline } from '../../lambda/retry';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';
import * as nodeHttp from 'node:http';
import { type AddressInfo } from 'node:net';
import { caught as caughtError, withServer } from '../support/lambda-cases';

const ROLE = 'arn:aws:iam::123456789012:role/handler';
const ENV = 'env1';
let emulator: FinSpaceEmulator;
let http: NodeHttpHandler;

beforeEach(async () => {
  emulator = await FinSpaceEmulator.start({
    environments: {
      [ENV]: [
        { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE },
        { userId: 'u1', type: 'APP_USER' },
      ],
    },
  });
  http = new NodeHttpHandler();
});
afterEach(async () => {
  http.destroy();
  await emulator.close();
});

function roleClient(credentials = emulator.roleCredentials(ROLE)) {
  return new FinSpaceDataClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials, httpHandler: http });
}

async function userClient() {
  const { credentials } = await roleClient().getProgrammaticAccessCredentials({ environmentId: ENV, durationInMinutes: 15 });
  return new FinSpaceDataClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: {
      accessKeyId: credentials!.accessKeyId!,
      secretAccessKey: credentials!.secretAccessKey!,
      sessionToken: credentials!.sessionToken!,
    },
    httpHandler: http,
  });
}

const caught = (promise: Promise<unknown>) => caughtError<FinSpaceDataServiceError & Error>(promise);

describe('endpoint resolution, as the AWS SDKs do it', () => {
  test('the service-specific variable wins over the global one', () => {
    expect(
      resolveEndpoint('us-east-1', { AWS_ENDPOINT_URL_FINSPACE_DATA: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }),
    ).toBe('http://127.0.0.1:1');
    expect(resolveEndpoint('us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:2');
  });
  test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns them off; otherwise the regional endpoint', () => {
    expect(resolveEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe(
      'https://finspace-api.eu-west-1.amazonaws.com',
    );
    expect(resolveEndpoint('us-east-1', {})).toBe('https://finspace-api.us-east-1.amazonaws.com');
  });
});

describe('signed calls', () => {
  test('GetProgrammaticAccessCredentials and UpdateUser are accepted with valid SigV4 signatures', async () => {
    const client = await userClient();
    const out = await client.updateUser({
      userId: 'u1',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/x',
      clientToken: 't1',
    });
    expect(out).toEqual({ userId: 'u1' });
    expect(emulator.getUser(ENV, 'u1')).toMatchObject({ apiAccess: 'ENABLED', apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/x' });
    expect(emulator.requests.at(-1)).toMatchObject({
      operation: 'UpdateUser',
      clientToken: 't1',
      members: ['apiAccess', 'apiAccessPrincipalArn', 'clientToken'],
    });
  });

  test('only the members given are sent; the query carries environmentId and durationInMinutes', async () => {
    const client = await userClient();
    await client.updateUser({ userId: 'u1', type: undefined, apiAccess: 'DISABLED' });
    expect(emulator.requests.at(-1)?.members).toEqual(['apiAccess']);
    const out = await roleClient().getProgrammaticAccessCredentials({ environmentId: ENV });
    expect(out.durationInMinutes).toBe(60);
  });

  test('an endpoint with a base path keeps it; a 2xx with an empty body is an empty object', async () => {
    const seen: string[] = [];
    await withServer(
      (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(200).end();
      },
      async (origin) => {
        const client = new FinSpaceDataClient({
          region: 'us-east-1',
          endpoint: `${origin}/prefix/`,
          credentials: emulator.roleCredentials(ROLE),
          httpHandler: http,
        });
        await expect(client.updateUser({ userId: 'a b' })).resolves.toEqual({});
      },
    );
    expect(seen).toEqual(['PUT /prefix/user/a%20b']);
  });

  test('a request signed with the wrong secret is refused, and the error is parsed like the SDK does', async () => {
    const real = emulator.roleCredentials(ROLE);
    const error = await caught(roleClient({ ...real, secretAccessKey: 'wrong' }).getProgrammaticAccessCredentials({ environmentId: ENV }));
    expect(error).toBeInstanceOf(FinSpaceDataServiceError);
    expect(error.name).toBe('InvalidSignatureException');
    // Its message is the service's, not the library's own words.
    expect(error.ownMessage).toBe(false);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(classify(error)).toBeUndefined();
  });

  test('the role credentials cannot call UpdateUser: FinSpace wants the temporary ones', async () => {
    const error = await caught(roleClient().updateUser({ userId: 'u1', apiAccess: 'ENABLED' }));
    expect(error.name).toBe('AccessDeniedException');
  });

  test('service errors carry name (without the x-amzn-ErrorType suffix), message and reason', async () => {
    const client = await userClient();
    const error = await caught(client.updateUser({ userId: 'nobody' }));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.reason).toBe('USER_NOT_FOUND');
    expect(error.$fault).toBe('client');
  });
});

describe('classification with the SDK classifier, on real answers', () => {
  test('429 is throttling (with Retry-After read), 500 and a connection reset are transient, 400 is final', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', status: 429, retryAfterSeconds: 2 });
    const throttled = await caught(client.updateUser({ userId: 'u1' }));
    expect(classify(throttled)).toBe('throttling');
    expect(throttled.retryAfterMs).toBe(2000);

    emulator.injectFault({ operation: 'UpdateUser', status: 500 });
    expect(classify(await caught(client.updateUser({ userId: 'u1' })))).toBe('transient');

    emulator.injectFault({ operation: 'UpdateUser', reset: true });
    const reset = await caught(client.updateUser({ userId: 'u1' }));
    expect((reset as unknown as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(classify(reset)).toBe('transient');

    expect(classify(await caught(client.updateUser({ userId: 'u1', type: 'ROOT' })))).toBeUndefined();
  });

  test('an attempt that stalls is abandoned at its timeout as a transient TimeoutError', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', delayMs: 5000 });
    const started = Date.now();
    const error = await caught(client.updateUser({ userId: 'u1' }, { timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.name).toBe('TimeoutError');
    expect(classify(error)).toBe('transient');
  });
});

describe('retryUntilDeadline', () => {
  test('retries throttling until success, honouring Retry-After', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', status: 429, retryAfterSeconds: 0.05, times: 3 });
    const stats = newRetryStats();
    const out = await retryUntilDeadline('UpdateUser', (timeoutMs) => client.updateUser({ userId: 'u1' }, { timeoutMs }), {
      deadline: Date.now() + 5000,
      stats,
    });
    expect(out.userId).toBe('u1');
    expect(stats).toMatchObject({ attempts: 4, throttled: 3, transient: 0 });
  });

  test('a 503 whose JSON code is a number ({"code": 503}) is transient and retried, not a TypeError', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', status: 503, rawBody: '{"code":503,"__type":503}', times: 2 });
    const stats = newRetryStats();
    const fast = { ...DEFAULT_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1 };
    const out = await retryUntilDeadline('UpdateUser', (timeoutMs) => client.updateUser({ userId: 'u1' }, { timeoutMs }), {
      deadline: Date.now() + 5000,
      stats,
      policy: fast,
    });
    expect(out.userId).toBe('u1');
    expect(stats).toMatchObject({ attempts: 3, throttled: 0, transient: 2 });
    expect(emulator.requests.filter((r) => r.operation === 'UpdateUser').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test('fails a final error at once, without retrying', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', status: 409, message: 'busy' });
    const stats = newRetryStats();
    const error = await caught(
      retryUntilDeadline('UpdateUser', (t) => client.updateUser({ userId: 'u1' }, { timeoutMs: t }), {
        deadline: Date.now() + 5000,
        stats,
      }),
    );
    expect(error.name).toBe('ConflictException');
    expect(stats.attempts).toBe(1);
  });

  test('stops at the deadline and says how many attempts were throttled over how long', async () => {
    const client = await userClient();
    emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 1000 });
    const started = Date.now();
    const error = await caught(
      retryUntilDeadline('UpdateUser', (t) => client.updateUser({ userId: 'u1' }, { timeoutMs: t }), { deadline: Date.now() + 1500 }),
    );
    expect(Date.now() - started).toBeLessThanOrEqual(1500);
    expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
    const throttled = emulator.count('UpdateUser', 429);
    expect(error.message).toContain(`${throttled} FinSpace calls over`);
    expect(error.message).toContain(`${throttled} of them throttled (429)`);
  });
});

describe('reading what a server answers', () => {
  interface Scripted {
    readonly delayMs?: number;
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  }

  let server: nodeHttp.Server;
  let next: Scripted;
  const seen: Array<{ method: string; url: string; headers: nodeHttp.IncomingHttpHeaders; body: string }> = [];
  /** How many requests the client closed before their answer was sent. */
  let closedUnanswered = 0;

  beforeAll(async () => {
    server = nodeHttp.createServer((req, res) => {
      const chunks: Buffer[] = [];
      res.on('close', () => {
        if (!res.writableEnded) closedUnanswered++;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = next;
        setTimeout(() => res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? ''), answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = () =>
    new FinSpaceDataClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });

  async function failure(answer: Scripted): Promise<FinSpaceDataServiceError> {
    next = answer;
    return caught(client().updateUser({ userId: 'u1', apiAccess: 'ENABLED' }));
  }

  test('what is sent: PUT /user/{id} with the id encoded, a JSON body of the given members, signed for the region', async () => {
    next = { status: 200, body: '{"userId":"a b"}' };
    await expect(client().updateUser({ userId: "a b/c'd", firstName: 'Ada', clientToken: 't' })).resolves.toEqual({ userId: 'a b' });
    const request = seen.at(-1)!;
    expect([request.method, request.url]).toEqual(['PUT', '/user/a%20b%2Fc%27d']);
    expect(JSON.parse(request.body)).toEqual({ firstName: 'Ada', clientToken: 't' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/finspace-api\/aws4_request, /,
    );
    expect(request.headers['x-amz-security-token']).toBe('token');

    next = { status: 200, body: '{"credentials":{}}' };
    await client().getProgrammaticAccessCredentials({ environmentId: 'env 1', durationInMinutes: 15 });
    expect(seen.at(-1)).toMatchObject({
      method: 'GET',
      url: '/credentials/programmatic?durationInMinutes=15&environmentId=env%201',
      body: '',
    });
  });

  test('the error name comes from x-amzn-ErrorType (without its suffix or namespace), else the body, else the status', async () => {
    expect((await failure({ status: 400, headers: { 'x-amzn-errortype': 'ValidationException:http://internal/' }, body: '{}' })).name).toBe(
      'ValidationException',
    );
    expect(
      (await failure({ status: 400, headers: { 'x-amzn-errortype': 'com.amazonaws.finspace#ConflictException' }, body: '{}' })).name,
    ).toBe('ConflictException');
    expect((await failure({ status: 400, body: '{"__type":"aws.finspace#ValidationException"}' })).name).toBe('ValidationException');
    expect((await failure({ status: 403, body: '{"code":"AccessDeniedException"}' })).name).toBe('AccessDeniedException');
    expect((await failure({ status: 502, body: '' })).name).toBe('InternalServerException');
    expect((await failure({ status: 418, body: '' })).name).toBe('Http418Error');
  });

  test('an error name that is no string, or leaves no usable name, is skipped for the next source: never a TypeError or an empty name', async () => {
    // A numeric code (some proxies answer {"code": 503}): a 503 all the same, transient, not a TypeError.
    const numeric = await failure({ status: 503, body: '{"code":503}' });
    expect(numeric).toBeInstanceOf(FinSpaceDataServiceError);
    expect([numeric.name, numeric.$metadata.httpStatusCode, classify(numeric)]).toEqual(['InternalServerException', 503, 'transient']);
    expect((await failure({ status: 400, body: '{"__type":7,"code":"ConflictException"}' })).name).toBe('ConflictException');
    expect((await failure({ status: 400, body: '{"__type":{"name":"X"},"code":["Y"]}' })).name).toBe('Http400Error');
    // An empty header (Node delivers it as ''), or one that is only a suffix or a namespace, gives way to the body.
    expect((await failure({ status: 409, headers: { 'x-amzn-errortype': '' }, body: '{"code":"ConflictException"}' })).name).toBe(
      'ConflictException',
    );
    expect((await failure({ status: 409, headers: { 'x-amzn-errortype': ':http://internal/' }, body: '{}' })).name).toBe('Http409Error');
    expect((await failure({ status: 500, headers: { 'x-amzn-errortype': 'com.amazonaws.finspace#' }, body: '{}' })).name).toBe(
      'InternalServerException',
    );
    // A body's name with a line break, or of absurd length, is no name.
    expect((await failure({ status: 400, body: JSON.stringify({ __type: 'Bad\nName' }) })).name).toBe('Http400Error');
    expect((await failure({ status: 400, body: JSON.stringify({ code: 'N'.repeat(129) }) })).name).toBe('Http400Error');
    expect((await failure({ status: 400, body: JSON.stringify({ code: 'N'.repeat(128) }) })).name).toBe('N'.repeat(128));
    // An unknown name is kept as the service sent it.
    expect((await failure({ status: 400, headers: { 'x-amzn-errortype': 'SomethingNewException:http://internal/' } })).name).toBe(
      'SomethingNewException',
    );
  });

  test('message, reason, request id and fault, as the SDK shapes a ServiceException', async () => {
    const error = await failure({
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException', 'x-amzn-requestid': 'req-123' },
      body: '{"message":"User u1 does not exist","reason":"USER_NOT_FOUND"}',
    });
    expect(error).toBeInstanceOf(FinSpaceDataServiceError);
    expect([error.message, error.reason, error.$metadata, error.$fault]).toEqual([
      'User u1 does not exist',
      'USER_NOT_FOUND',
      { httpStatusCode: 404, requestId: 'req-123' },
      'client',
    ]);
    expect((await failure({ status: 500, body: '{"Message":"capital M"}' })).message).toBe('capital M');
    const bare = await failure({ status: 503, body: 'Service Unavailable' });
    expect([bare.message, bare.reason, bare.$fault]).toEqual(['UpdateUser answered HTTP 503', undefined, 'server']);
    expect(classify(bare)).toBe('transient');
    expect((await failure({ status: 400, body: '{"message":7,"reason":7}' })).reason).toBeUndefined();
  });

  test('Retry-After in seconds or as an HTTP date; a bad one is ignored', async () => {
    expect((await failure({ status: 429, headers: { 'retry-after': '2' } })).retryAfterMs).toBe(2000);
    expect((await failure({ status: 429, headers: { 'retry-after': '0.5' } })).retryAfterMs).toBe(500);
    expect((await failure({ status: 429, headers: { 'retry-after': '-3' } })).retryAfterMs).toBe(0);
    const date = new Date(Date.now() + 3000).toUTCString();
    const fromDate = (await failure({ status: 429, headers: { 'retry-after': date } })).retryAfterMs!;
    expect(fromDate).toBeGreaterThan(1000);
    expect(fromDate).toBeLessThanOrEqual(3000);
    expect((await failure({ status: 429, headers: { 'retry-after': new Date(Date.now() - 60_000).toUTCString() } })).retryAfterMs).toBe(0);
    expect((await failure({ status: 429, headers: { 'retry-after': 'soon' } })).retryAfterMs).toBeUndefined();
    expect((await failure({ status: 429 })).retryAfterMs).toBeUndefined();
  });

  test('an empty Retry-After (Node delivers empty headers) is no Retry-After: not 0, not NaN', async () => {
    for (const value of ['', '   ']) {
      const error = await failure({ status: 429, headers: { 'retry-after': value } });
      expect(error.retryAfterMs).toBeUndefined();
      expect(classify(error)).toBe('throttling');
    }
  });

  test('a success whose body is not a JSON object is a DeserializationError; an empty one is an empty object', async () => {
    for (const body of ['[1]', 'null', '"text"', '{"userId":']) {
      const error = await failure({ status: 200, body });
      expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
        'DeserializationError',
        'UpdateUser answered HTTP 200 with a body that is not a JSON object',
        200,
      ]);
      // The library's words: never searched for names, never withheld.
      expect(error.ownMessage).toBe(true);
      expect(classify(error)).toBeUndefined();
    }
    next = { status: 204, body: '' };
    await expect(client().updateUser({ userId: 'u1' })).resolves.toEqual({});
    next = { status: 200, body: '   ' };
    await expect(client().updateUser({ userId: 'u1' })).resolves.toEqual({});
  });

  test('the regional endpoint by default (amazonaws.com.cn in China); the attempt timeout is per client unless a call sets it', async () => {
    expect(new FinSpaceDataClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).endpoint.href).toBe(
      'https://finspace-api.us-east-1.amazonaws.com/',
    );
    expect(new FinSpaceDataClient({ region: 'cn-north-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).endpoint.href).toBe(
      'https://finspace-api.cn-north-1.amazonaws.com.cn/',
    );
    const quick = new FinSpaceDataClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      defaultTimeoutMs: 100,
    });
    next = { status: 200, body: '{}', delayMs: 400 };
    await expect(quick.updateUser({ userId: 'u1' })).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'UpdateUser did not complete within 100 ms',
    });
    next = { status: 200, body: '{"userId":"u1"}', delayMs: 200 };
    await expect(quick.updateUser({ userId: 'u1' }, { timeoutMs: 2000 })).resolves.toEqual({ userId: 'u1' });
  });

  test("a message is the body's message or Message when a string; otherwise the library's words, marked as its own", async () => {
    const fromMessage = await failure({ status: 400, body: '{"Message":"Ada is not allowed"}' });
    expect([fromMessage.message, fromMessage.ownMessage]).toEqual(['Ada is not allowed', false]);
    const notAString = await failure({ status: 400, body: '{"Message":42}' });
    expect([notAString.message, notAString.ownMessage]).toEqual(['UpdateUser answered HTTP 400', true]);
    const none = await failure({ status: 503, body: '' });
    expect([none.message, none.ownMessage]).toEqual(['UpdateUser answered HTTP 503', true]);
  });

  test('an error name with spaces around its suffix or namespace is the name alone, so throttling is still throttling', async () => {
    const error = await failure({ status: 400, headers: { 'x-amzn-ErrorType': 'aws.finspace # ThrottlingException : http://internal/' } });
    expect([error.name, classify(error)]).toEqual(['ThrottlingException', 'throttling']);
  });

  test('a 300 is not a success', async () => {
    const error = await failure({ status: 300, body: '{"userId":"u1"}' });
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['Http300Error', 300]);
  });

  test('an attempt abandoned at its timeout closes its connection, rather than leaving it open until the server answers', async () => {
    next = { status: 200, body: '{"userId":"u1"}', delayMs: 1500 };
    const before = closedUnanswered;
    await expect(client().updateUser({ userId: 'u1' }, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closedUnanswered).toBe(before + 1);
  });
});
