/**
 * The answer PUT at its edges: a response that dies half way (the server sends its status and part of the body, then
 * the connection is lost) fails that attempt at once with the network error, neither accepted nor left pending until
 * the Lambda ends, and the retry delivers; a 300 is no acceptance; an answer of exactly 4096 bytes is sent whole.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ANSWER_RETRY_POLICY,
  MAX_RESPONSE_BYTES,
  sendResponse,
  serializeResponse,
  type CustomResourceResponse,
} from '../../lambda/cfn-response';

const answer: CustomResourceResponse = {
  Status: 'SUCCESS',
  PhysicalResourceId: 'u1',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  RequestId: 'r1',
  LogicalResourceId: 'L1',
};

test('a response cut off after its status and half its body fails that attempt at once; the retry delivers', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      if (requests === 1) {
        // 200 announced with 100 bytes of body, 10 sent, then the connection is gone.
        res.writeHead(200, { 'content-length': '100' });
        res.write('0123456789', () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const { port } = server.address() as AddressInfo;
    const policy = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1, attemptTimeoutMs: 5000 };
    const started = Date.now();
    expect(await sendResponse(`http://127.0.0.1:${port}/x`, answer, { deadline: Date.now() + 20_000, policy })).toBe(true);
    // Far below the 5 s attempt timeout it would wait out if the lost response went unnoticed.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(requests).toBe(2);
    const outcomes = warn.mock.calls.map((c) => JSON.parse(String(c[0])).outcome);
    expect(outcomes).toEqual(['ECONNRESET']);
  } finally {
    warn.mockRestore();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}, 5000);

test('a 300 is not an accepted answer: the PUT is retried', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.writeHead(requests === 1 ? 300 : 200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const { port } = server.address() as AddressInfo;
    const policy = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1 };
    expect(await sendResponse(`http://127.0.0.1:${port}/x`, answer, { deadline: Date.now() + 10_000, policy })).toBe(true);
    expect(requests).toBe(2);
    expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])).outcome)).toEqual(['HTTP 300']);
  } finally {
    warn.mockRestore();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('an answer of exactly 4096 bytes is sent as it is, its Reason whole', () => {
  const empty = Buffer.byteLength(JSON.stringify({ ...answer, Status: 'FAILED', Reason: '' }));
  const exact = { ...answer, Status: 'FAILED' as const, Reason: 'r'.repeat(MAX_RESPONSE_BYTES - empty) };
  expect(Buffer.byteLength(JSON.stringify(exact))).toBe(MAX_RESPONSE_BYTES);
  expect(serializeResponse(exact)).toBe(JSON.stringify(exact));
});
