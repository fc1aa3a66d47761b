/**
 * The imitation held to AWS's own runtime: each case runs the same handler and event in the imitation and, where they
 * are built, under the Runtime Interface Emulator with aws-lambda-ric, and both must show what is pinned here (the log
 * line shapes, the context, what a throw, an exit, an unhandled rejection, a timeout or a bad handler name report).
 */
import { AWS_RUNTIME, CONTAINER_KINDS, handlerFolder, newContainer } from '../support/lambda-containers';
import type { LambdaContainer } from '../../testing/lambda-environment';

const HANDLER = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations++;
  switch (event.do) {
    case 'object': console.info({ audit: 'x', n: 1 }); return;
    case 'format': console.error('failed', 2); return;
    case 'error': console.error(new TypeError('bad thing')); return;
    case 'levels': console.debug('d'); console.info('i'); console.warn('w'); console.error('e'); return;
    case 'count': console.info({ invocations }); return;
    case 'context': {
      const remaining = context.getRemainingTimeInMillis();
      console.info({ ...context, remaining: remaining > 0 && remaining <= 10000 });
      return;
    }
    case 'throw': throw new RangeError('out of range');
    case 'exit': process.exit(3);
    case 'reject': Promise.reject(new Error('nobody waits')); await new Promise((r) => setTimeout(r, 500)); return;
    case 'hang': setInterval(() => undefined, 1000); await new Promise(() => undefined); return;
    case 'never': await new Promise(() => undefined); return;
    case 'exit0': process.exit(0);
  }
};
exports.callback = (event, context, callback) => callback(null);
exports.notAFunction = 42;
`;

const folder = handlerFolder(HANDLER);
afterAll(() => folder.remove());

const containers: LambdaContainer[] = [];
afterEach(async () => {
  await Promise.all(containers.splice(0).map((c) => c.stop()));
});

describe.each(CONTAINER_KINDS)('in the %s', (kind) => {
  const start = (changes: Parameters<typeof folder.spec>[0] = {}, logFormat: 'JSON' | 'Text' = 'JSON') => {
    const container = newContainer(kind, folder.spec(changes), { logFormat });
    containers.push(container);
    return container;
  };
  const records = (logs: readonly string[]) => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

  test('under the JSON log format: one object per call, a lone value as it is, several formatted, an Error as its fields', async () => {
    const lambda = start();
    const object = await lambda.invoke({ do: 'object' });
    expect(records(object.logs)).toEqual([
      {
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
        level: 'INFO',
        requestId: object.requestId,
        message: { audit: 'x', n: 1 },
      },
    ]);
    const formatted = await lambda.invoke({ do: 'format' });
    expect(records(formatted.logs)).toEqual([
      expect.objectContaining({ level: 'ERROR', requestId: formatted.requestId, message: 'failed 2' }),
    ]);
    const error = await lambda.invoke({ do: 'error' });
    expect(records(error.logs)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: expect.objectContaining({ errorType: 'TypeError', errorMessage: 'bad thing', stackTrace: expect.any(Array) }),
      }),
    ]);
  });

  test('the application log level drops the levels below it (JSON only, as Lambda applies it)', async () => {
    const { logs } = await start({ applicationLogLevel: 'WARN' }).invoke({ do: 'levels' });
    expect(records(logs).map((r) => [r.level, r.message])).toEqual([
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
  });

  test('in the text format: timestamp, request id, level and message, tab-separated', async () => {
    const { logs, requestId } = await start({}, 'Text').invoke({ do: 'format' });
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${requestId}\\tERROR\\tfailed 2$`))]);
  });

  test("the context is the client's: request id, function ARN (or a qualified one), names, memory, log stream, time left", async () => {
    const lambda = start();
    const { logs, requestId } = await lambda.invoke({ do: 'context' });
    expect(records(logs)[0].message).toMatchObject({
      awsRequestId: requestId,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      functionName: 'fn',
      functionVersion: '$LATEST',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/fn',
      logStreamName: expect.stringMatching(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/),
      remaining: true,
    });
    const qualified = await lambda.invoke({ do: 'context' }, { qualifier: 'live' });
    expect((records(qualified.logs)[0].message as Record<string, unknown>).invokedFunctionArn).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:fn:live',
    );
  });

  test('a warm container is reused; a thrown error fails only its invocation, logged and answered with its type', async () => {
    const lambda = start();
    expect((await lambda.invoke({ do: 'count' })).coldStart).toBe(true);
    const thrown = await lambda.invoke({ do: 'throw' });
    expect(thrown).toMatchObject({ ok: false, errorType: 'RangeError', error: 'out of range' });
    expect(records(thrown.logs)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: expect.objectContaining({ errorType: 'RangeError', errorMessage: 'out of range' }),
      }),
    ]);
    const after = await lambda.invoke({ do: 'count' });
    expect([after.coldStart, records(after.logs)[0].message]).toEqual([false, { invocations: 3 }]);
  });

  test('a process that exits ends its invocation with Runtime.ExitError; the next one starts a fresh container', async () => {
    const lambda = start();
    const exited = await lambda.invoke({ do: 'exit' });
    expect(exited).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
    expect(exited.error).toMatch(/Runtime exited with error: exit status 3/);
    const next = await lambda.invoke({ do: 'count' });
    expect([next.ok, next.coldStart, records(next.logs)[0].message]).toEqual([true, true, { invocations: 1 }]);
  });

  test.each(['never', 'exit0'])(
    'a process that ends by itself with nothing left to do (%s: a promise that never settles, process.exit(0)) gives no reason',
    async (what) => {
      const ended = await start().invoke({ do: what });
      expect(ended).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
      expect(ended.error).toBe(`RequestId: ${ended.requestId} Error: Runtime exited without providing a reason`);
    },
  );

  test('an unhandled rejection fails the invocation, and the next one starts afresh', async () => {
    const lambda = start();
    const rejected = await lambda.invoke({ do: 'reject' });
    expect(rejected).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
    expect(rejected.error).toBe(`RequestId: ${rejected.requestId} Error: Runtime exited with error: exit status 1`);
    const next = await lambda.invoke({ do: 'count' });
    expect([next.ok, records(next.logs)[0].message]).toEqual([true, { invocations: 1 }]);
  });

  test('past its timeout the invocation is stopped with "Task timed out after N.NN seconds", and the next one starts afresh', async () => {
    const lambda = start({ timeoutSeconds: 1 });
    const hung = await lambda.invoke({ do: 'hang' });
    expect(hung).toMatchObject({ ok: false, error: 'Task timed out after 1.00 seconds' });
    expect(hung.handlerMs).toBeGreaterThanOrEqual(900);
    const next = await lambda.invoke({ do: 'count' });
    expect([next.ok, next.coldStart, records(next.logs)[0].message]).toEqual([true, true, { invocations: 1 }]);
  });

  test.each([
    ['an export that does not exist', 'missing', 'Runtime.HandlerNotFound'],
    ['an export that is not a function', 'notAFunction', 'Runtime.HandlerNotFound'],
    ['a callback handler (gone from Node.js 24)', 'callback', 'Runtime.CallbackHandlerDeprecated'],
  ])('%s fails every invocation with %s', async (_case, exportName, errorType) => {
    const lambda = start({ exportName, handler: `index.${exportName}` });
    expect(await lambda.invoke({ do: 'count' })).toMatchObject({ ok: false, errorType });
  });
});

test("which runtimes ran: the imitation always, AWS's where it is built (required with FINSPACE_LOCAL_LAMBDA_RUNTIME=emulator, as CI runs)", () => {
  expect(CONTAINER_KINDS[0]).toBe('imitation');
  if (process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME === 'emulator')
    expect([AWS_RUNTIME.reason, CONTAINER_KINDS]).toEqual([undefined, ['imitation', 'emulator']]);
});
