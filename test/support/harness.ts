/**
 * Drives the handler in-process, from source (so coverage and mutation testing see it), against the FinSpace
 * emulator and a stand-in for CloudFormation's ResponseURL, all over real HTTP on 127.0.0.1. The end-to-end tests
 * (test/testing, test/hardening/fault-matrix) run the bundle instead, in Lambda-like processes.
 */
import { randomUUID } from 'node:crypto';
import { ANSWER_RETRY_POLICY } from '../../lambda/cfn-response';
import { createHandler, type HandlerOptions } from '../../lambda/handler';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../lambda/retry';
import { FinSpaceEmulator, type EmulatedUser } from '../../testing/finspace-emulator';
import { ResponseReceiver, type ReceivedResponse } from '../../testing/response-receiver';

export const HANDLER_ROLE_ARN = 'arn:aws:iam::123456789012:role/FinSpaceUserSettingsHandler';
export const ENVIRONMENT_ID = 'envtest0001';
export const ADMIN_USER_ID = 'uAdmin000000000000001';
export const TARGET_USER_ID = 'uAbCdEf0123456789';
export const OTHER_USER_ID = 'uOther00000000000002';
export const ANALYST_ROLE_ARN = 'arn:aws:iam::123456789012:role/analyst';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Example/8f1a6f50-0000-11ef-0000-000000000000';

export function defaultUsers(): EmulatedUser[] {
  return [
    {
      userId: ADMIN_USER_ID,
      type: 'SUPER_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: HANDLER_ROLE_ARN,
      firstName: 'Admin',
      lastName: 'Robot',
    },
    { userId: TARGET_USER_ID, type: 'APP_USER', apiAccess: 'DISABLED', firstName: 'Oldfirst', lastName: 'Oldlast' },
    { userId: OTHER_USER_ID, type: 'APP_USER', apiAccess: 'DISABLED', firstName: 'Other', lastName: 'Person' },
  ];
}

export type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number; logStreamName?: string }) => Promise<void>;

/**
 * The retry policy of the in-process handler tests: the real one's shape with backoffs 35 to 100 times shorter, so
 * retries are seen without waiting seconds. The real figures are asserted by test/lambda/retry.test.ts on a fake
 * clock, and exercised on the bundle by the fault matrix.
 */
export const FAST_RETRY_POLICY: RetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  throttlingBaseDelayMs: 100,
  transientBaseDelayMs: 10,
  maxDelayMs: 200,
};

/** Likewise for the answer PUT (its real policy is tested in test/lambda/cfn-response.test.ts). */
export const FAST_ANSWER_RETRY_POLICY: RetryPolicy = {
  ...ANSWER_RETRY_POLICY,
  throttlingBaseDelayMs: 10,
  transientBaseDelayMs: 10,
  maxDelayMs: 50,
  minAttemptMs: 200,
};

/** A fresh handler, as a cold Lambda container would start it (its own credential cache). */
export function newHandler(options?: HandlerOptions): Handler {
  return createHandler({ retryPolicy: FAST_RETRY_POLICY, answerRetryPolicy: FAST_ANSWER_RETRY_POLICY, ...options });
}

/**
 * The time a test invocation has: ample for the fast retry policies, and short enough that a handler that would retry
 * forever ends at its deadline within the test (so a mutant that breaks a loop fails fast instead of hanging).
 */
export const TEST_REMAINING_MS = 6000;

export function lambdaContext(remainingMs = TEST_REMAINING_MS) {
  const end = Date.now() + remainingMs;
  return {
    getRemainingTimeInMillis: () => end - Date.now(),
    logStreamName: '2026/11/28/[$LATEST]0123456789abcdef',
    awsRequestId: randomUUID(),
  };
}

export interface EventInit {
  requestType: 'Create' | 'Update' | 'Delete';
  properties: Record<string, unknown>;
  oldProperties?: Record<string, unknown>;
  physicalResourceId?: string;
  logicalResourceId?: string;
  requestId?: string;
}

/** Sends every console line (log, info, warn, error) to `lines` instead of the terminal; restore the spies after. */
export function captureConsole(lines: string[]): jest.SpyInstance[] {
  return (['log', 'info', 'warn', 'error'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  );
}

/**
 * For tests that build the handler themselves: a fresh ResponseURL stand-in and a console whose lines are kept (not
 * printed) for each test of the file. Call at the top level of the file.
 */
export function receiverEachTest(): { receiver: () => ResponseReceiver; consoleSpies: () => jest.SpyInstance[] } {
  let receiver: ResponseReceiver;
  let spies: jest.SpyInstance[];
  beforeEach(async () => {
    receiver = await ResponseReceiver.start();
    spies = (['info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
  });
  afterEach(async () => {
    spies.forEach((s) => s.mockRestore());
    await receiver.close();
  });
  return { receiver: () => receiver, consoleSpies: () => spies };
}

/** A Create of the example's analyst that answers `receiver` under `key`. */
export function createEvent(receiver: ResponseReceiver, key: string, stackId = STACK_ID) {
  return {
    RequestType: 'Create',
    ResponseURL: receiver.url(key),
    StackId: stackId,
    RequestId: 'req-1',
    LogicalResourceId: 'Analyst',
    ResourceType: 'Custom::FinSpaceUserSettings',
    ResourceProperties: analystProperties(),
  };
}

export class Harness {
  static async start(users: EmulatedUser[] = defaultUsers()): Promise<Harness> {
    const emulator = await FinSpaceEmulator.start({ environments: { [ENVIRONMENT_ID]: users } });
    const receiver = await ResponseReceiver.start();
    return new Harness(emulator, receiver);
  }

  readonly logs: string[] = [];
  private readonly saved = { ...process.env };
  private spies: jest.SpyInstance[] = [];

  private constructor(
    readonly emulator: FinSpaceEmulator,
    readonly receiver: ResponseReceiver,
  ) {
    Object.assign(process.env, { ...emulator.lambdaEnvironment(HANDLER_ROLE_ARN), FINSPACE_HANDLER_ROLE_ARN: HANDLER_ROLE_ARN });
    this.spies = captureConsole(this.logs);
  }

  event(init: EventInit) {
    const key = randomUUID();
    return {
      key,
      event: {
        RequestType: init.requestType,
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
        ResponseURL: this.receiver.url(key),
        StackId: STACK_ID,
        RequestId: init.requestId ?? randomUUID(),
        LogicalResourceId: init.logicalResourceId ?? 'Analyst5C91540F',
        ResourceType: 'Custom::FinSpaceUserSettings',
        ...(init.physicalResourceId !== undefined ? { PhysicalResourceId: init.physicalResourceId } : {}),
        ResourceProperties: {
          ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
          ServiceTimeout: '360',
          ...init.properties,
        },
        ...(init.oldProperties
          ? {
              OldResourceProperties: {
                ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
                ServiceTimeout: '360',
                ...init.oldProperties,
              },
            }
          : {}),
      },
    };
  }

  /** Invokes the handler with the event and returns CloudFormation's answer and how long it took. */
  async invoke(
    handler: Handler,
    init: EventInit,
    remainingMs = TEST_REMAINING_MS,
  ): Promise<{ response: ReceivedResponse; elapsedMs: number; event: ReturnType<Harness['event']>['event'] }> {
    const { key, event } = this.event(init);
    return this.invokeEvent(handler, key, event, remainingMs);
  }

  async invokeEvent(handler: Handler, key: string, event: unknown, remainingMs = TEST_REMAINING_MS) {
    const started = Date.now();
    await handler(event, lambdaContext(remainingMs));
    const elapsedMs = Date.now() - started;
    const response = this.receiver.response(key);
    if (!response) throw new Error('the handler returned without answering CloudFormation');
    return { response, elapsedMs, event: event as ReturnType<Harness['event']>['event'] };
  }

  async close(): Promise<void> {
    for (const spy of this.spies) spy.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in this.saved)) delete process.env[key];
    Object.assign(process.env, this.saved);
    await this.emulator.close();
    await this.receiver.close();
  }
}

/** The settings of the example's analyst, as resource properties. */
export function analystProperties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environmentId: ENVIRONMENT_ID,
    userId: TARGET_USER_ID,
    type: 'APP_USER',
    firstName: 'Ada',
    lastName: 'Lovelace',
    apiAccess: 'ENABLED',
    apiAccessPrincipalArn: ANALYST_ROLE_ARN,
    ...overrides,
  };
}
