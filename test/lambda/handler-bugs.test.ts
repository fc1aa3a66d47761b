/**
 * What the handler does when its own code fails (a bug): the request is still answered FAILED, saying it failed
 * unexpectedly, and it still leaves its one audit line; the handler never throws. A Lambda context whose getters throw
 * stands in for any such bug here, at each place one could strike.
 */
import { createHandler } from '../../lambda/handler';
import type { FinSpaceAccess } from '../../lambda/finspace-access';
import { createEvent, lambdaContext, receiverEachTest } from '../support/harness';
import { receiverOrigin } from '../support/deployed-environment';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1';
const STREAM = '2026/12/02/[$LATEST]0123456789abcdef';
const crashing = {
  updateUser: () => {
    throw new Error('FinSpace said no');
  },
} as unknown as FinSpaceAccess;

const { receiver: currentReceiver, consoleSpies } = receiverEachTest();

const auditLines = () =>
  consoleSpies()
    .flatMap((spy) => spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>))
    .filter((record) => record.audit !== undefined);

const handler = () => createHandler({ stackId: STACK, responseUrls: { standIn: receiverOrigin(currentReceiver()) }, access: crashing });
const event = (key: string) => createEvent(currentReceiver(), key, STACK);

/** A Lambda context whose logStreamName throws `error` the first `times` times it is read. */
function contextThrowing(error: unknown, times: number) {
  let reads = 0;
  const context = lambdaContext(10_000);
  return Object.defineProperty(context, 'logStreamName', {
    get: () => {
      if (++reads <= times) throw error;
      return STREAM;
    },
  });
}

test('a bug while building the answer: answered FAILED as unexpected, with the error and what to do, and one audit line', async () => {
  await handler()(event('once'), contextThrowing(new Error('the getter broke'), 1));
  expect(currentReceiver().response('once')).toMatchObject({
    Status: 'FAILED',
    Reason: `The handler failed unexpectedly: the [?]. Retry the deployment; report it if it persists. (log stream ${STREAM})`,
    StackId: STACK,
    RequestId: 'req-1',
    LogicalResourceId: 'Analyst',
  });
  expect(auditLines()).toHaveLength(1);
});

test.each([
  ['an error named in letters', Object.assign(new Error('x'), { name: 'TypeError' }), 'TypeError'],
  ['a name with other characters', Object.assign(new Error('x'), { name: 'Type-Error' }), 'unknown error'],
  ['a name that starts with a digit', Object.assign(new Error('x'), { name: '9Lives' }), 'unknown error'],
  ['a name longer than 64 letters', Object.assign(new Error('x'), { name: 'E'.repeat(65) }), 'unknown error'],
  ['a thrown string', 'boom', 'string'],
])('a bug even in answering (%s): no answer, still one audit line naming only the kind of error', async (_case, error, shown) => {
  await expect(handler()(event('always'), contextThrowing(error, Infinity))).resolves.toBeUndefined();
  expect(currentReceiver().response('always')).toBeUndefined();
  const audit = auditLines();
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ outcome: 'FAILED', delivered: false, reason: `The handler failed unexpectedly (${shown}); report it.` });
});

test('a bug before the request is even read: the handler still resolves, with no audit line to write', async () => {
  const context = Object.defineProperty(lambdaContext(10_000), 'getRemainingTimeInMillis', {
    get: () => {
      throw new Error('no clock');
    },
  });
  await expect(handler()(event('early'), context)).resolves.toBeUndefined();
  expect(auditLines()).toEqual([]);
});

test.each([
  ['no Lambda context at all', undefined],
  ['a context without a clock or a log stream', {}],
])('run outside Lambda (%s): answered within a 3-second budget, with no log stream named', async (_case, context) => {
  const started = Date.now();
  await handler()(event('local'), context as never);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(currentReceiver().response('local')).toMatchObject({ Status: 'FAILED', Reason: 'FinSpace [?]' });
});
