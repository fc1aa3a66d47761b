/**
 * The handler's last-resort guarantees, with FinSpace access that misbehaves in ways the emulator cannot: work
 * that never ends (the timeout guard must answer before Lambda would kill the function) and a crash.
 */
import { createHandler, type HandlerOptions } from '../../lambda/handler';
import type { FinSpaceAccess } from '../../lambda/finspace-access';
import { analystProperties, createEvent, lambdaContext, receiverEachTest } from '../support/harness';
import { receiverOrigin } from '../support/deployed-environment';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1';
/** A handler bound to STACK that answers the receiver, as the construct and the local runner set one up. */
const bound = (options: HandlerOptions = {}) =>
  createHandler({ stackId: STACK, responseUrls: { standIn: receiverOrigin(currentReceiver()) }, ...options });

const { receiver: currentReceiver } = receiverEachTest();
const event = (key: string) => createEvent(currentReceiver(), key, STACK);

test('work that hangs is answered FAILED by the timeout guard before the Lambda would end', async () => {
  const hanging = { updateUser: () => new Promise(() => undefined) } as unknown as FinSpaceAccess;
  const handler = bound({ access: hanging });
  const remainingMs = 1500;
  const started = Date.now();
  await handler(event('hang'), lambdaContext(remainingMs));
  expect(Date.now() - started).toBeLessThan(remainingMs);
  const response = currentReceiver().response('hang');
  expect(response?.Status).toBe('FAILED');
  expect(response?.Reason).toContain('did not finish before the handler had to answer');
  // The UpdateUser was in flight, so it may take effect: the user is the physical id, for the rollback's onDelete.
  expect(response?.PhysicalResourceId).toBe(analystProperties().userId);
});

test('a crash inside the work is answered FAILED with its message', async () => {
  const crashing = {
    updateUser: () => {
      throw new TypeError('Cannot read properties of undefined');
    },
  } as unknown as FinSpaceAccess;
  await bound({ access: crashing })(event('crash'), lambdaContext(10_000));
  expect(currentReceiver().response('crash')).toMatchObject({
    Status: 'FAILED',
    // A crash's message is outside text: its model words show, the rest does not.
    Reason: expect.stringContaining('Cannot read [?] of [?]'),
  });
});

test('an event that is not a CloudFormation request is answered FAILED when it has a ResponseURL, and ignored otherwise', async () => {
  const handler = bound();
  await handler({ ResponseURL: currentReceiver().url('junk'), RequestType: 'Create' }, lambdaContext(5000));
  expect(currentReceiver().response('junk')?.Reason).toMatch(/lacks StackId, RequestId, LogicalResourceId, ResourceType/);
  // What it lacks is answered empty: CloudFormation matches the answer to nothing, and the request times out there.
  expect(currentReceiver().response('junk')).toMatchObject({ StackId: '', RequestId: '', LogicalResourceId: '' });
  await expect(handler('not an event', lambdaContext(5000))).resolves.toBeUndefined();
  await expect(handler(null, lambdaContext(5000))).resolves.toBeUndefined();
});
