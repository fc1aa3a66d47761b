/**
 * An endpoint that cannot be reached: the failure carries the code EndpointUnreachable and the operation that could
 * not be sent, which the audit line and the rollback logic read, and says what to do.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as net from 'node:net';
import { failedCallResult } from '../../lambda/audit';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import { certainlyNotApplied } from '../../lambda/lifecycle';
import { DEFAULT_RETRY_POLICY, retryUntilDeadline } from '../../lambda/retry';

test('a closed port: EndpointUnreachable, for the credentials call, with what to check', async () => {
  // A port that was just free: nothing listens on it.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const http = new NodeHttpHandler();
  const policy = { ...DEFAULT_RETRY_POLICY, unreachableWindowMs: 200, transientBaseDelayMs: 10, maxDelayMs: 20 };
  const access = new FinSpaceAccess({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    roleCredentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    httpHandler: http,
    retry: (operation, attempt, options) => retryUntilDeadline(operation, attempt, { ...options, policy }),
  });
  try {
    const failure = await access
      .updateUser('envA', { userId: 'u1', apiAccess: 'ENABLED' }, { deadline: Date.now() + 5000 })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'EndpointUnreachable', operation: 'GetProgrammaticAccessCredentials' });
    expect((failure as Error).message).toContain(
      `The FinSpace Data API endpoint http://127.0.0.1:${port} (region us-east-1) cannot be reached`,
    );
    expect([failedCallResult(failure), certainlyNotApplied(failure)]).toEqual([
      'not applied: GetProgrammaticAccessCredentials failed',
      true,
    ]);
    expect(failedCallResult({ ...(failure as object), operation: 'UpdateUser' })).toBe('EndpointUnreachable');
  } finally {
    http.destroy();
  }
});
