/**
 * The answer to CloudFormation: its shape, its size limit and the retried PUT, against a real HTTP receiver.
 */
import * as fc from 'fast-check';
import {
  ANSWER_RETRY_POLICY,
  type CustomResourceResponse,
  MAX_RESPONSE_BYTES,
  sendResponse,
  serializeResponse,
} from '../../lambda/cfn-response';
import { ResponseReceiver } from '../../testing/response-receiver';
import { withServer } from '../support/lambda-cases';

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
/** What each WARN line (one per refused attempt) logged. */
const warnings = () => quiet[0].mock.calls.map((c) => JSON.parse(String(c[0])));
const outcomes = () => warnings().map((w) => w.outcome);
/** A policy that retries at once: every PUT is retried (its classifier says transient), so only these delays matter. */
const fast = { ...ANSWER_RETRY_POLICY, transientBaseDelayMs: 1, maxDelayMs: 1 };

describe('a Reason cut to fit 4096 bytes', () => {
  const TRUNCATED = ' [truncated]';
  /** Checks the body fits, keeps the rest of the answer and a start of the Reason, and that one more code point would not fit. */
  const expectMaximalCut = (reason: string) => {
    const body = serializeResponse({ ...base, Reason: reason });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const answered: string = JSON.parse(body).Reason;
    expect(JSON.parse(body)).toEqual({ ...base, Reason: answered });
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
  const slow = withServer(
    (req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(200).end(), 150));
    },
    (origin) => sendResponse(`${origin}/x`, base, { deadline: Date.now() - 50, maxAttempts: 1 }),
  );
  expect(await slow).toBe(true);
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

test('an answer within 4096 bytes, or without a Reason to shorten, is sent as it is', () => {
  expect(serializeResponse(base)).toBe(JSON.stringify(base));
  // Without a Reason there is nothing to shorten: the answer goes as it is.
  const noReason = { ...base, Reason: undefined, Data: { userId: 'u'.repeat(5000) } };
  expect(serializeResponse(noReason)).toBe(JSON.stringify(noReason));
  expect(MAX_RESPONSE_BYTES).toBe(4096);
});

test('at most 6 attempts by default, each logged with its outcome and number; maxAttempts changes that', async () => {
  receiver.failNext(1000);
  expect(await sendResponse(receiver.url('six'), base, { deadline: Date.now() + 20_000, policy: fast })).toBe(false);
  expect(warnings().map((w) => [w.attempt, w.outcome])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 'HTTP 503']));
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
  expect(await sendResponse(url, base, { deadline: Date.now() + 5000, policy: fast, maxAttempts: 2 })).toBe(false);
  expect(outcomes()).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
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
  const quick = { ...fast, attemptTimeoutMs: 300, minAttemptMs: 100 };

  test('an https ResponseURL goes over TLS (node:https), an http one over node:http', async () => {
    const closed = await ResponseReceiver.start();
    const port = new URL(closed.url()).port;
    await closed.close();
    expect(await sendResponse(`https://127.0.0.1:${port}/x`, base, { deadline: Date.now() + 2000, policy: quick, maxAttempts: 1 })).toBe(
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
    const started = Date.now();
    const silent = withServer(
      () => undefined,
      (origin) => sendResponse(`${origin}/x`, base, { deadline: Date.now() + 1500, policy: quick, maxAttempts: 2 }),
    );
    expect(await silent).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcomes()).toEqual(['no answer within 300 ms', 'no answer within 300 ms']);
  });

  test('a server that drops the connection in the middle of the body fails that attempt at once, and the retry delivers', async () => {
    // The first PUT: headers and part of the body are read, then the socket is destroyed without any answer. The
    // second is accepted. The attempt timeout (5 s) is far longer than the test may take: the first attempt must fail
    // on the lost connection, not wait for its timeout.
    const bodies: string[] = [];
    let requests = 0;
    // A body of several KB, so that the first data event is a part of it.
    const answer = { ...base, Reason: 'r'.repeat(3500) };
    const started = Date.now();
    const delivered = withServer(
      (req, res) => {
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
      },
      (origin) => sendResponse(`${origin}/x`, answer, { deadline: Date.now() + 20_000, policy: { ...quick, attemptTimeoutMs: 5000 } }),
    );
    expect(await delivered).toBe(true);
    // Far below the 5 s attempt timeout it would wait out if the dropped connection went unnoticed.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(requests).toBe(2);
    expect(bodies.map((b) => JSON.parse(b))).toEqual([answer]);
    expect(outcomes()).toHaveLength(1);
    expect(outcomes()[0]).toMatch(/^[A-Z][A-Z_]+$/);
  }, 5000);

  test('what is logged: WARN per refused attempt, ERROR when it gives up or the URL is no URL', async () => {
    receiver.failNext(1);
    await sendResponse(receiver.url('logged'), base, { deadline: Date.now() + 5000, policy: quick });
    expect(JSON.parse(String(quiet[0].mock.calls[0][0]))).toEqual({
      level: 'WARN',
      message: 'answer to CloudFormation not accepted',
      attempt: 1,
      outcome: 'HTTP 503',
    });
    // Not a URL: reported, not thrown.
    expect(await sendResponse('::', base, { deadline: Date.now() + 1000 })).toBe(false);
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
    const started = Date.now();
    const delivered = withServer(
      (req, res) => {
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
      },
      (origin) => sendResponse(`${origin}/x`, answer, { deadline: Date.now() + 20_000, policy: { ...fast, attemptTimeoutMs: 5000 } }),
    );
    expect(await delivered).toBe(true);
    // Far below the 5 s attempt timeout it would wait out if the lost response went unnoticed.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(requests).toBe(2);
    expect(outcomes()).toEqual(['ECONNRESET']);
  }, 5000);

  test('a 300 is not an accepted answer: the PUT is retried', async () => {
    let requests = 0;
    const delivered = withServer(
      (req, res) => {
        requests++;
        req.resume();
        req.on('end', () => res.writeHead(requests === 1 ? 300 : 200).end());
      },
      (origin) => sendResponse(`${origin}/x`, answer, { deadline: Date.now() + 10_000, policy: fast }),
    );
    expect(await delivered).toBe(true);
    expect(requests).toBe(2);
    expect(outcomes()).toEqual(['HTTP 300']);
  });

  test('an answer of exactly 4096 bytes is sent as it is, its Reason whole', () => {
    const empty = Buffer.byteLength(JSON.stringify({ ...answer, Status: 'FAILED', Reason: '' }));
    const exact = { ...answer, Status: 'FAILED' as const, Reason: 'r'.repeat(MAX_RESPONSE_BYTES - empty) };
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(MAX_RESPONSE_BYTES);
    expect(serializeResponse(exact)).toBe(JSON.stringify(exact));
  });
});
