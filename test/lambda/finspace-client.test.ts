/**
 * The FinSpace client and the retry loop over real HTTP against the emulator (which checks SigV4 itself).
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceDataClient, FinSpaceDataServiceError, resolveEndpoint } from '../../lambda/finspace-client';
import { classify, DEFAULT_RETRY_POLICY, newRetryStats, retryUntilDeadline, RetryBudgetExhaustedError } from '../../lambda/retry';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';

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

async function caught(promise: Promise<unknown>): Promise<FinSpaceDataServiceError & Error> {
  try {
    await promise;
  } catch (error) {
    return error as FinSpaceDataServiceError;
  }
  throw new Error('expected a failure');
}

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
    const server = (await import('node:http')).createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const client = new FinSpaceDataClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}/prefix/`,
        credentials: emulator.roleCredentials(ROLE),
        httpHandler: http,
      });
      await expect(client.updateUser({ userId: 'a b' })).resolves.toEqual({});
      expect(seen).toEqual(['PUT /prefix/user/a%20b']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a request signed with the wrong secret is refused, and the error is parsed like the SDK does', async () => {
    const real = emulator.roleCredentials(ROLE);
    const error = await caught(roleClient({ ...real, secretAccessKey: 'wrong' }).getProgrammaticAccessCredentials({ environmentId: ENV }));
    expect(error).toBeInstanceOf(FinSpaceDataServiceError);
    expect(error.name).toBe('InvalidSignatureException');
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
