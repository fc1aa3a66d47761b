/**
 * Injected faults: each case runs the bundled handler in a Lambda container of its own (under AWS's runtime interface
 * emulator and client where they are built, and under the imitation) against an emulator of its own, and must get
 * CloudFormation an answer before the deadline. Faults of the function's process itself (an exit, an unhandled
 * rejection, an event loop held past the timeout) get no answer out; Lambda's retry of the event answers. Prints the
 * matrix: fault, outcome, FinSpace calls made, time taken.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RESPONSE_URL_STAND_IN_ENV, STACK_ID_ENV } from '../../lib/handler-contract';
import type { LambdaFunctionSpec } from '../../testing/cloud-assembly';
import { FinSpaceEmulator, type Fault } from '../../testing/finspace-emulator';
import { auditRecords } from '../../testing/local-deployment';
import { ResponseReceiver, type ReceivedResponse } from '../../testing/response-receiver';
import { CONTAINER_KINDS, newContainer, type ContainerKind } from '../support/lambda-containers';
import { GUARANTEES } from './guarantees';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'finspace-user-settings-handler', 'index.js');
const ROLE = 'arn:aws:iam::123456789012:role/FinSpaceUserSettingsHandler';
const ENV = 'faultenv';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Faults/1';

interface Case {
  readonly fault: string;
  readonly expect: 'SUCCESS' | 'FAILED';
  readonly timeoutSeconds: number;
  readonly faults?: Fault[];
  /** Runs before the event (same container), e.g. a first Create whose credentials then expire. */
  readonly before?: (run: () => Promise<unknown>, emulator: FinSpaceEmulator) => Promise<void>;
  readonly rejectAnswers?: number;
  readonly reason?: RegExp;
  /** Points the handler at another endpoint than the emulator's. */
  readonly endpoint?: (emulator: FinSpaceEmulator) => string;
  /** A fault of the function's process, 300 ms after its first FinSpace call (preloaded through NODE_OPTIONS, once). */
  readonly processFault?: string;
}

/** Each fault of the process: the code that strikes, and what Lambda's runtime reports. */
const PROCESS_FAULTS: Array<[string, string, RegExp]> = [
  ['the process exits mid-invocation', 'process.exit(1)', /Runtime exited with error: exit status 1$/],
  ['a rejection is left unhandled', "Promise.reject(new Error('left unhandled'))", /Runtime exited with error: exit status 1$/],
  [
    'the event loop is held past the timeout',
    'for (const end = Date.now() + 10000; Date.now() < end; );',
    /^Task timed out after 4\.00 seconds$/,
  ],
];

const CASES: Case[] = [
  {
    fault: 'connection reset x2 (UpdateUser)',
    expect: 'SUCCESS',
    timeoutSeconds: 20,
    faults: [{ operation: 'UpdateUser', reset: true, times: 2 }],
  },
  {
    fault: 'response slower than the attempt timeout, once',
    expect: 'SUCCESS',
    timeoutSeconds: 25,
    faults: [{ operation: 'UpdateUser', delayMs: 15_000 }],
  },
  {
    fault: 'response slower than the attempt timeout, always',
    expect: 'FAILED',
    timeoutSeconds: 6,
    faults: [{ operation: 'UpdateUser', delayMs: 60_000, times: 100 }],
    reason: /TimeoutError|did not finish/,
  },
  { fault: '500 x3 (UpdateUser)', expect: 'SUCCESS', timeoutSeconds: 20, faults: [{ operation: 'UpdateUser', status: 500, times: 3 }] },
  {
    fault: '503 x2 (GetProgrammaticAccessCredentials)',
    expect: 'SUCCESS',
    timeoutSeconds: 20,
    faults: [{ operation: 'GetProgrammaticAccessCredentials', status: 503, times: 2 }],
  },
  { fault: '429 storm x3 (both calls)', expect: 'SUCCESS', timeoutSeconds: 40, faults: [{ status: 429, times: 3 }] },
  {
    fault: '429 past the deadline',
    expect: 'FAILED',
    timeoutSeconds: 6,
    faults: [{ status: 429, times: 10_000 }],
    reason: /gave up at the deadline: \d+ FinSpace calls over [\d.]+ s, \d+ of them throttled/,
  },
  {
    fault: '403 on GetProgrammaticAccessCredentials',
    expect: 'FAILED',
    timeoutSeconds: 10,
    faults: [{ operation: 'GetProgrammaticAccessCredentials', status: 403, message: 'Not authorized' }],
    reason: /Register the role/,
  },
  {
    fault: 'credentials expire mid-run',
    expect: 'SUCCESS',
    timeoutSeconds: 10,
    before: async (run, emulator) => {
      await run();
      emulator.expireIssuedCredentials();
    },
  },
  { fault: 'answer PUT rejected x2', expect: 'SUCCESS', timeoutSeconds: 10, rejectAnswers: 2 },
  {
    fault: 'malformed JSON from the service',
    expect: 'FAILED',
    timeoutSeconds: 10,
    faults: [{ operation: 'UpdateUser', rawBody: '{"userId":' }],
    reason: /not a JSON object/,
  },
  {
    fault: 'endpoint does not resolve (DNS)',
    expect: 'FAILED',
    timeoutSeconds: 30,
    endpoint: () => 'https://finspace-api.us-east-1.does-not-exist.invalid',
    reason:
      /could not reach the endpoint for 10 s \(ENOTFOUND.*https:\/\/finspace-api\.us-east-1\.does-not-exist\.invalid \(region us-east-1\).*ended support for Amazon FinSpace on 2026-10-07/,
  },
  {
    fault: '404 for an unknown operation',
    expect: 'FAILED',
    timeoutSeconds: 30,
    endpoint: (emulator) => `${emulator.endpoint}/not-finspace`,
    reason: /HTTP 404 UnknownOperationException.*does not serve FinSpace/,
  },
];

interface Row {
  readonly fault: string;
  readonly outcome: string;
  readonly calls: number;
  readonly elapsedMs: number;
  readonly deadlineMs: number;
  readonly answered: boolean;
  readonly response?: ReceivedResponse;
  /** The handler's log lines for the event. */
  readonly logs: readonly string[];
}

async function runCase(c: Case, kind: ContainerKind): Promise<Row & { readonly firstAttempt?: string }> {
  const emulator = await FinSpaceEmulator.start({
    environments: {
      [ENV]: [
        { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE },
        { userId: 'u1', type: 'APP_USER' },
      ],
    },
  });
  const receiver = await ResponseReceiver.start();
  const spec: LambdaFunctionSpec = {
    logicalId: 'Handler',
    functionName: 'fault-matrix',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:fault-matrix',
    runtime: 'nodejs24.x',
    file: BUNDLE,
    exportName: 'handler',
    timeoutSeconds: c.timeoutSeconds,
    memoryMb: 128,
    environment: { FINSPACE_HANDLER_ROLE_ARN: ROLE, [STACK_ID_ENV]: STACK_ID },
    roleArn: ROLE,
  };
  // The receiver stands in for CloudFormation's ResponseURLs, as in the local runner.
  const environment: Record<string, string> = {
    ...emulator.lambdaEnvironment(ROLE),
    [RESPONSE_URL_STAND_IN_ENV]: new URL(receiver.url()).origin,
  };
  if (c.endpoint) environment.AWS_ENDPOINT_URL_FINSPACE_DATA = c.endpoint(emulator);
  const preloads = c.processFault ? fs.mkdtempSync(path.join(os.tmpdir(), 'process-fault-')) : undefined;
  if (preloads) {
    const struck = path.join(preloads, 'struck');
    // Armed by the first call the handler sends (so mid-invocation, whatever the start took), once per case.
    const channel = "require('node:diagnostics_channel')";
    const preload =
      `const fs = require('node:fs'); if (!fs.existsSync(${JSON.stringify(struck)})) ${channel}.subscribe('http.client.request.start', ` +
      `function strike() { ${channel}.unsubscribe('http.client.request.start', strike); fs.writeFileSync(${JSON.stringify(struck)}, ''); ` +
      `setTimeout(() => { ${c.processFault} }, 300); });`;
    fs.writeFileSync(path.join(preloads, 'fault.js'), preload);
    environment.NODE_OPTIONS = `--require ${path.join(preloads, 'fault.js')}`;
  }
  // The construct's log format: the handler's lines are written as Lambda's runtime writes them.
  const lambda = newContainer(kind, spec, { extraEnvironment: environment, logFormat: 'JSON' });
  const event = (key: string) => ({
    RequestType: 'Create',
    ResponseURL: receiver.url(key),
    StackId: STACK_ID,
    RequestId: `req-${key}`,
    LogicalResourceId: 'User',
    ResourceType: 'Custom::FinSpaceUserSettings',
    ResourceProperties: { environmentId: ENV, userId: 'u1', apiAccess: 'ENABLED' },
  });
  try {
    if (c.before) await c.before(() => lambda.invoke(event('warmup')), emulator);
    const callsBefore = emulator.requests.length;
    for (const fault of c.faults ?? []) emulator.injectFault(fault);
    if (c.rejectAnswers) receiver.failNext(c.rejectAnswers);
    // A fault of the process ends the first attempt with no answer; Lambda retries the asynchronous invocation.
    const firstAttempt = c.processFault ? await lambda.invoke(event('case')) : undefined;
    if (firstAttempt && receiver.response('case')) throw new Error(`${c.fault}: the first attempt answered`);
    const invocation = await lambda.invoke(event('case'));
    if (invocation.nodeVersion) expect(invocation.nodeVersion.split('.')[0]).toBe('24');
    const response = receiver.response('case');
    return {
      fault: c.fault,
      outcome: response?.Status ?? `NO ANSWER (${invocation.error})`,
      calls: emulator.requests.length - callsBefore,
      elapsedMs: invocation.handlerMs,
      deadlineMs: c.timeoutSeconds * 1000,
      answered: response !== undefined && invocation.ok,
      response,
      logs: invocation.logs,
      firstAttempt: firstAttempt && (firstAttempt.ok ? 'ok' : firstAttempt.error),
    };
  } finally {
    if (preloads) fs.rmSync(preloads, { recursive: true, force: true });
    await lambda.stop();
    await receiver.close();
    await emulator.close();
  }
}

describe.each(CONTAINER_KINDS)('in the %s', (kind) => {
  test('every injected fault ends with an answer to CloudFormation before the deadline', async () => {
    const rows = await Promise.all(CASES.map((c) => runCase(c, kind)));
    const header = ['fault', 'outcome', 'FinSpace calls', 'time', 'deadline', 'answered in time'];
    const inTime = (r: Row) => r.answered && r.elapsedMs < r.deadlineMs;
    const table = rows.map((r) => [
      r.fault,
      r.outcome,
      String(r.calls),
      `${(r.elapsedMs / 1000).toFixed(2)} s`,
      `${r.deadlineMs / 1000} s`,
      inTime(r) ? 'yes' : 'NO',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
    console.log(
      [
        `fault matrix (${kind}): ${rows.length} faults, ${rows.filter(inTime).length} answered before the deadline`,
        ...[header, ...table].map((cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')),
      ].join('\n'),
    );
    // The README's figures: how many faults, survived, failed at the deadline (in its last 2.5 s) or earlier.
    const failed = rows.filter((r) => r.outcome === 'FAILED');
    const atDeadline = failed.filter((r) => r.deadlineMs - r.elapsedMs < 2500);
    expect({
      total: rows.filter(inTime).length,
      survived: rows.filter((r) => r.outcome === 'SUCCESS').length,
      failedAtDeadline: atDeadline.length,
      failedEarly: failed.length - atDeadline.length,
    }).toEqual(GUARANTEES.faults);
    rows.forEach((row, i) => {
      const c = CASES[i];
      expect({ fault: row.fault, outcome: row.outcome }).toEqual({ fault: c.fault, outcome: c.expect });
      expect(row.answered).toBe(true);
      expect(row.elapsedMs).toBeLessThan(row.deadlineMs);
      if (c.reason) expect(row.response?.Reason).toMatch(c.reason);
      // One audit line for the request, with its outcome, written once CloudFormation accepted the answer, and no line
      // over 4 KB (Lambda's own fields included).
      expect(auditRecords(row.logs).map((a) => [a.requestId, a.outcome, a.delivered])).toEqual([['req-case', row.outcome, true]]);
      for (const line of row.logs) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
    });
    const expired = rows.find((r) => r.fault === 'credentials expire mid-run')!;
    expect(expired.calls).toBe(3); // UpdateUser refused as expired, fresh credentials, UpdateUser again
  }, 120_000);

  test("a fault of the function's process gets no answer out, is reported as Lambda's runtime reports it, and Lambda's retry answers", async () => {
    const rows = await Promise.all(
      PROCESS_FAULTS.map(([fault, code]) =>
        runCase(
          { fault, expect: 'SUCCESS', timeoutSeconds: 4, processFault: code, faults: [{ operation: 'UpdateUser', delayMs: 1000 }] },
          kind,
        ),
      ),
    );
    expect(rows.map((r) => [r.fault, r.firstAttempt, r.outcome, r.answered])).toEqual(
      PROCESS_FAULTS.map(([fault, , reported]) => [fault, expect.stringMatching(reported), 'SUCCESS', true]),
    );
    expect({ total: rows.length, answeredOnRetry: rows.filter((r) => r.answered).length }).toEqual(GUARANTEES.processFaults);
  }, 60_000);
});
