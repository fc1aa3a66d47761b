/** A FinSpaceAccess against a fresh emulator for each test, on a clock the test moves. */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import type { RetryRunner } from '../../lambda/retry';
import { FinSpaceEmulator } from '../../testing/finspace-emulator';

/** The handler role, registered as the API access principal of a superuser in envA and envB, where user u1 exists. */
export const ROLE = 'arn:aws:iam::123456789012:role/handler';

export interface AccessFixture {
  emulator: FinSpaceEmulator;
  http: NodeHttpHandler;
  /** The clock credentials expire by (epoch ms). */
  clock: number;
  access(options?: { durationInMinutes?: number; refreshMarginMs?: number; retry?: RetryRunner; roleArn?: string }): FinSpaceAccess;
  /** UpdateUser of u1 in `env`, with 10 s to go. */
  update(access: FinSpaceAccess, env: string, apiAccess?: string): ReturnType<FinSpaceAccess['updateUser']>;
}

export function finSpaceAccessEachTest(): AccessFixture {
  const fixture: AccessFixture = {
    emulator: undefined as unknown as FinSpaceEmulator,
    http: undefined as unknown as NodeHttpHandler,
    clock: 0,
    access: (options = {}) => {
      const role = fixture.emulator.roleCredentials(ROLE);
      return new FinSpaceAccess({
        region: 'us-east-1',
        endpoint: fixture.emulator.endpoint,
        roleCredentials: async () => role,
        roleArn: ROLE,
        httpHandler: fixture.http,
        now: () => fixture.clock,
        ...options,
      });
    },
    update: (a, env, apiAccess = 'ENABLED') => a.updateUser(env, { userId: 'u1', apiAccess }, { deadline: Date.now() + 10_000 }),
  };
  beforeEach(async () => {
    const users = [
      { userId: 'admin', type: 'SUPER_USER' as const, apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: ROLE },
      { userId: 'u1', type: 'APP_USER' as const },
    ];
    fixture.emulator = await FinSpaceEmulator.start({ environments: { envA: users, envB: users } });
    fixture.http = new NodeHttpHandler();
    fixture.clock = Date.now();
  });
  afterEach(async () => {
    fixture.http.destroy();
    await fixture.emulator.close();
  });
  return fixture;
}
