/**
 * The stand-in for CloudFormation's pre-signed S3 URL, on its own: it listens on loopback only, accepts only PUTs
 * (503 for as many as it is told to refuse), and reads back the last answer sent to a URL.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseReceiver } from '../../testing/response-receiver';

let receiver: ResponseReceiver;
beforeEach(async () => {
  receiver = await ResponseReceiver.start();
});
afterEach(async () => {
  await receiver.close();
});

function send(url: string, method: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('it listens on 127.0.0.1 only', () => {
  const server = (receiver as unknown as { server: http.Server }).server;
  expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
});

test('the answer read back for a URL is the last PUT to it, not one to another URL', async () => {
  const first = receiver.url('a');
  expect(await send(first, 'PUT', '{"Status":"FAILED"}')).toBe(200);
  expect(await send(receiver.url('b'), 'PUT', '{"Status":"FAILED"}')).toBe(200);
  expect(await send(receiver.url('a'), 'PUT', '{"Status":"SUCCESS"}')).toBe(200);
  expect(receiver.response('a')).toEqual({ Status: 'SUCCESS' });
  expect(receiver.response('b')).toEqual({ Status: 'FAILED' });
  expect(receiver.response('c')).toBeUndefined();
  expect(receiver.puts.map((p) => [p.key, p.contentLength])).toEqual([
    ['a', 19],
    ['b', 19],
    ['a', 20],
  ]);
});

test('anything but a PUT is refused with 403; a refused PUT (failNext) gets 503 and is not kept', async () => {
  expect(await send(receiver.url('a'), 'POST', '{}')).toBe(403);
  receiver.failNext(1);
  expect(await send(receiver.url('a'), 'PUT', '{}')).toBe(503);
  expect(await send(receiver.url('a'), 'PUT', '{}')).toBe(200);
  expect(receiver.puts).toHaveLength(1);
});
