/**
 * The answer to CloudFormation: its shape, its size limit and the retried PUT, against a real HTTP receiver.
 */
import { MAX_RESPONSE_BYTES, sendResponse, serializeResponse, type CustomResourceResponse } from '../../lambda/cfn-response';
import { ResponseReceiver } from '../../testing/response-receiver';

const base: CustomResourceResponse = {
  Status: 'FAILED',
  PhysicalResourceId: 'uAbCdEf0123456789',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  RequestId: 'r1',
  LogicalResourceId: 'L1',
  Reason: 'x',
};

let receiver: ResponseReceiver;
let quiet: jest.SpyInstance[];
beforeEach(async () => {
  receiver = await ResponseReceiver.start();
  quiet = (['warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
});
afterEach(async () => {
  quiet.forEach((s) => s.mockRestore());
  await receiver.close();
});

test('a Reason too long for 4096 bytes is shortened, and the rest of the answer kept', () => {
  const body = serializeResponse({ ...base, Reason: 'é'.repeat(5000) });
  expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  const parsed = JSON.parse(body);
  expect(parsed.Reason.endsWith('[truncated]')).toBe(true);
  expect(parsed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: base.PhysicalResourceId, RequestId: 'r1', LogicalResourceId: 'L1' });
});

test('the PUT has an empty content type and an exact content length', async () => {
  const url = receiver.url('k1');
  expect(await sendResponse(url, base, { deadline: Date.now() + 5000 })).toBe(true);
  expect(receiver.puts[0]).toMatchObject({ key: 'k1', contentType: '' });
  expect(receiver.puts[0].contentLength).toBe(Buffer.byteLength(receiver.puts[0].body));
});

test('with no time left, the answer is still sent once', async () => {
  expect(await sendResponse(receiver.url('late'), base, { deadline: Date.now() - 50 })).toBe(true);
  expect(receiver.response('late')?.Status).toBe('FAILED');
});

test('a failed PUT is retried until accepted', async () => {
  receiver.failNext(3);
  expect(await sendResponse(receiver.url('k2'), base, { deadline: Date.now() + 10_000 })).toBe(true);
  expect(receiver.response('k2')?.Status).toBe('FAILED');
});

test('gives up at its deadline and reports it, without throwing or naming the URL', async () => {
  receiver.failNext(1000);
  const url = receiver.url('k3');
  const started = Date.now();
  expect(await sendResponse(url, base, { deadline: Date.now() + 800 })).toBe(false);
  expect(Date.now() - started).toBeLessThan(1500);
  const logged = quiet.flatMap((s) => s.mock.calls.flat()).join('\n');
  expect(logged).toContain('could not deliver the answer');
  expect(logged).not.toContain(url);
});
