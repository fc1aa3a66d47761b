/**
 * The answer to CloudFormation: its shape, its size limit and the retried PUT, against a real HTTP receiver.
 */
import * as fc from 'fast-check';
import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  ANSWER_RETRY_POLICY,
  type CustomResourceResponse,
  MAX_RESPONSE_BYTES,
  sendResponse,
  serializeResponse,
} from '../../lambda/cfn-response';
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

describe('a Reason cut to fit 4096 bytes', () => {
  const TRUNCATED = ' [truncated]';
  /** Checks the body fits, keeps a start of the Reason, and that one more code point of it would not have fitted. */
  const expectMaximalCut = (reason: string) => {
    const body = serializeResponse({ ...base, Reason: reason });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const answered: string = JSON.parse(body).Reason;
    if (answered === reason) return 0;
    expect(answered.endsWith(TRUNCATED)).toBe(true);
    const kept = answered.slice(0, -TRUNCATED.length);
    expect(reason.startsWith(kept)).toBe(true);
    // Never half a surrogate pair.
    expect(kept).not.toMatch(/[\uD800-\uDBFF]$/);
    const codePoints = Array.from(reason);
    const keptCount = Array.from(kept).length;
    const oneMore = codePoints.slice(0, keptCount + 1).join('');
    expect(Buffer.byteLength(JSON.stringify({ ...base, Reason: `${oneMore}${TRUNCATED}` }))).toBeGreaterThan(MAX_RESPONSE_BYTES);
    return keptCount;
  };

  // Once cut, what is left for the Reason's start: 4096 bytes less the rest of the answer and the mark.
  const room = MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify({ ...base, Reason: TRUNCATED }));

  test.each([
    ['quotes', 2, '"'],
    ['backslashes', 2, '\\'],
    ['non-ASCII', 2, 'é'],
    ['CJK', 3, '中'],
    ['emoji (a surrogate pair each)', 4, '😀'],
    ['control characters', 6, '\u0001'],
    ['ASCII', 1, 'x'],
  ])('%s (%i bytes each in the JSON body): as many as fit are kept', (_name, bytes, char) => {
    // The old cut counted characters while the excess was bytes: 5000 quotes left only " [truncated]".
    expect(expectMaximalCut(char.repeat(5000))).toBe(Math.floor(room / bytes));
  });

  test('any mix of such characters, around the limit (property, 300 runs)', () => {
    const unit = fc.constantFrom('"', '\\', 'é', '中', '😀', 'x', '\n', '\u0001', ' ', '\u2028');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 600, maxLength: 6000 }), (reason) => {
        expectMaximalCut(reason);
      }),
      { numRuns: 300 },
    );
  });
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

test('with no time left, that one attempt still gets the minimum attempt time (1 s), not what is left', async () => {
  const slow = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200).end(), 150));
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/x`;
    expect(await sendResponse(url, base, { deadline: Date.now() - 50, maxAttempts: 1 })).toBe(true);
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
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

test('an answer that fits is sent as it is; one that does not keeps as much of the Reason as fits', () => {
  expect(serializeResponse(base)).toBe(JSON.stringify(base));
  const long = { ...base, Reason: 'x'.repeat(MAX_RESPONSE_BYTES) };
  const body = serializeResponse(long);
  expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_RESPONSE_BYTES - 40);
  expect(JSON.parse(body).Reason).toMatch(/^x+ \[truncated\]$/);
  // Without a Reason there is nothing to shorten: the answer goes as it is.
  const noReason = { ...base, Reason: undefined, Data: { userId: 'u'.repeat(5000) } };
  expect(serializeResponse(noReason)).toBe(JSON.stringify(noReason));
  expect(MAX_RESPONSE_BYTES).toBe(4096);
});

test('a ResponseURL that is not a URL cannot be answered: reported, not thrown', async () => {
  expect(await sendResponse('not a url', base, { deadline: Date.now() + 1000 })).toBe(false);
  const logged = quiet.flatMap((s) => s.mock.calls.flat()).join('\n');
  expect(logged).toContain('ResponseURL is not a URL; CloudFormation cannot be answered');
});

test('at most 6 attempts by default, each logged with its outcome and number; maxAttempts changes that', async () => {
  receiver.failNext(1000);
  const fast = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 1 };
  expect(await sendResponse(receiver.url('six'), base, { deadline: Date.now() + 20_000, policy: fast })).toBe(false);
  const warnings = quiet[0].mock.calls.map((c) => JSON.parse(String(c[0])));
  expect(warnings.map((w) => [w.attempt, w.outcome])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 'HTTP 503']));
  const errors = quiet[1].mock.calls.map((c) => JSON.parse(String(c[0])));
  expect(errors.at(-1)).toEqual({
    level: 'ERROR',
    message: 'could not deliver the answer to CloudFormation',
    requestId: 'r1',
    attempts: 6,
  });
  quiet[0].mockClear();
  expect(await sendResponse(receiver.url('two'), base, { deadline: Date.now() + 20_000, policy: fast, maxAttempts: 2 })).toBe(false);
  expect(quiet[0].mock.calls).toHaveLength(2);
});

test('a connection that is refused is an outcome too (its code), and retried', async () => {
  const closed = await ResponseReceiver.start();
  const url = closed.url('gone');
  await closed.close();
  const fast = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1 };
  expect(await sendResponse(url, base, { deadline: Date.now() + 5000, policy: fast, maxAttempts: 2 })).toBe(false);
  const warnings = quiet[0].mock.calls.map((c) => JSON.parse(String(c[0])));
  expect(warnings.map((w) => w.outcome)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
});

test('the real answer policy: 200 ms doubling to 4 s, 10 s per attempt, at least 1 s left for one', () => {
  expect(ANSWER_RETRY_POLICY).toEqual({
    throttlingBaseDelayMs: 200,
    transientBaseDelayMs: 200,
    maxDelayMs: 4000,
    attemptTimeoutMs: 10_000,
    minAttemptMs: 1000,
    unreachableWindowMs: Infinity,
  });
});

describe('transport', () => {
  const fast = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1, attemptTimeoutMs: 300, minAttemptMs: 100 };
  const outcomes = () => quiet[0].mock.calls.map((c) => JSON.parse(String(c[0])).outcome);

  test('an https ResponseURL goes over TLS (node:https), an http one over node:http', async () => {
    const closed = await ResponseReceiver.start();
    const port = new URL(closed.url()).port;
    await closed.close();
    expect(await sendResponse(`https://127.0.0.1:${port}/x`, base, { deadline: Date.now() + 2000, policy: fast, maxAttempts: 1 })).toBe(
      false,
    );
    expect(outcomes()).toEqual(['ECONNREFUSED']);
  });

  test('the answer is a PUT: the receiver, like a pre-signed S3 URL, refuses anything else', async () => {
    const url = receiver.url('method');
    const refused = await fetch(url, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(403);
    expect(await sendResponse(url, base, { deadline: Date.now() + 2000 })).toBe(true);
    expect(receiver.response('method')?.Status).toBe('FAILED');
  });

  test('a PUT that is never answered is abandoned at its attempt timeout, and the sender returns in time', async () => {
    const silent = (await import('node:http')).createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = silent.address() as import('node:net').AddressInfo;
      const started = Date.now();
      expect(await sendResponse(`http://127.0.0.1:${port}/x`, base, { deadline: Date.now() + 1500, policy: fast, maxAttempts: 2 })).toBe(
        false,
      );
      expect(Date.now() - started).toBeLessThan(1500);
      expect(outcomes()).toEqual(['no answer within 300 ms', 'no answer within 300 ms']);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a server that drops the connection in the middle of the body fails that attempt at once, and the retry delivers', async () => {
    // The first PUT: headers and part of the body are read, then the socket is destroyed without any answer. The
    // second is accepted. The attempt timeout (5 s) is far longer than the test may take: the first attempt must fail
    // on the lost connection, not wait for its timeout.
    const bodies: string[] = [];
    let requests = 0;
    const dropping = http.createServer((req, res) => {
      requests++;
      if (requests === 1) {
        req.once('data', () => req.socket.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = dropping.address() as AddressInfo;
      const patient = { ...fast, attemptTimeoutMs: 5000 };
      // A body of several KB, so that the first data event is a part of it.
      const answer = { ...base, Reason: 'r'.repeat(3500) };
      const started = Date.now();
      expect(await sendResponse(`http://127.0.0.1:${port}/x`, answer, { deadline: Date.now() + 20_000, policy: patient })).toBe(true);
      // Far below the 5 s attempt timeout it would wait out if the dropped connection went unnoticed.
      expect(Date.now() - started).toBeLessThan(2500);
      expect(requests).toBe(2);
      expect(bodies.map((b) => JSON.parse(b))).toEqual([answer]);
      expect(outcomes()).toHaveLength(1);
      expect(outcomes()[0]).toMatch(/^[A-Z][A-Z_]+$/);
    } finally {
      dropping.closeAllConnections();
      await new Promise((resolve) => dropping.close(resolve));
    }
  }, 5000);

  test('what is logged: WARN per refused attempt, ERROR when it gives up or the URL is no URL', async () => {
    receiver.failNext(1);
    await sendResponse(receiver.url('logged'), base, { deadline: Date.now() + 5000, policy: fast });
    expect(JSON.parse(String(quiet[0].mock.calls[0][0]))).toEqual({
      level: 'WARN',
      message: 'answer to CloudFormation not accepted',
      attempt: 1,
      outcome: 'HTTP 503',
    });
    await sendResponse('::', base, { deadline: Date.now() + 1000 });
    expect(JSON.parse(String(quiet[1].mock.calls.at(-1)![0]))).toEqual({
      level: 'ERROR',
      message: 'ResponseURL is not a URL; CloudFormation cannot be answered',
    });
  });
});

describe('at the edges: a response cut short, a 300, exactly 4096 bytes', () => {
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
});
