/** The relay between the runtime client and the emulator: everything passed on, the invoked ARN given, the answer noted. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RuntimeApiRelay } from '../../testing/runtime-api-relay';

const FIXED_ARN = 'arn:aws:lambda:us-east-1:012345678912:function:function';

test('the next invocation carries the ARN it was invoked by; how the runtime answered is noted; the rest passes as it is', async () => {
  const seen: string[] = [];
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      if (req.url?.endsWith('/next'))
        res.writeHead(200, { 'Lambda-Runtime-Aws-Request-Id': 'r1', 'Lambda-Runtime-Invoked-Function-Arn': FIXED_ARN }).end('{"e":1}');
      else res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  const relay = await RuntimeApiRelay.start();
  relay.upstream = (upstream.address() as AddressInfo).port;
  const call = (method: string, path: string, body = '') =>
    new Promise<{ status: number; arn: unknown; body: string }>((resolve) => {
      const [host, port] = relay.address.split(':');
      const request = http.request({ host, port, method, path }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, arn: res.headers['lambda-runtime-invoked-function-arn'], body: text }));
      });
      request.end(body);
    });
  try {
    expect(await call('GET', '/2018-06-01/runtime/invocation/next')).toEqual({ status: 200, arn: FIXED_ARN, body: '{"e":1}' });
    relay.arns.set('r1', 'arn:aws:lambda:eu-west-1:111122223333:function:real:live');
    expect((await call('GET', '/2018-06-01/runtime/invocation/next')).arn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:real:live');
    expect((await call('POST', '/2018-06-01/runtime/invocation/r1/error', '{"errorType":"E"}')).status).toBe(202);
    expect((await call('POST', '/2018-06-01/runtime/invocation/r2/response', 'null')).status).toBe(202);
    expect([...relay.answers]).toEqual([
      ['r1', 'error'],
      ['r2', 'response'],
    ]);
    expect(seen.at(-2)).toBe('POST /2018-06-01/runtime/invocation/r1/error {"errorType":"E"}');
  } finally {
    await relay.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  }
});
