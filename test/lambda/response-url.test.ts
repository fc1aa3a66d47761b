/**
 * Which ResponseURLs the handler answers: CloudFormation's (https, on the partition's AWS domain) and a configured
 * local stand-in's origin, nothing else. To any other URL no request at all is made (no connection, no FinSpace call),
 * and the URL is never logged.
 */
import * as fc from 'fast-check';
import * as net from 'node:net';
import { RESPONSE_URL_STAND_IN_ENV, URL_SUFFIX_ENV } from '../../lib/handler-contract';
import { DEFAULT_URL_SUFFIX, responseUrlProblem, responseUrlRules } from '../../lambda/response-url';
import { analystProperties, Harness, newHandler, lambdaContext } from '../support/harness';
import { asDeployed, receiverOrigin } from './deployed-environment';

const rules = (urlSuffix = '', standIn = '') => ({ urlSuffix, standIn });
const SIGNED = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef';

describe('the rule', () => {
  test.each([
    [
      'a virtual-hosted S3 URL',
      `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation/abc${SIGNED}`,
      '',
    ],
    ['a regional S3 URL', `https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x${SIGNED}`, ''],
    ['a path-style S3 URL', `https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/x${SIGNED}`, ''],
    ['an upper-case host (URLs compare hosts in lower case)', `https://S3.AMAZONAWS.COM/x${SIGNED}`, ''],
    [
      'the China partition',
      `https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x${SIGNED}`,
      'amazonaws.com.cn',
    ],
  ])('answers %s', (_name, url, suffix) => {
    expect(responseUrlProblem(url, rules(suffix))).toBeUndefined();
  });

  test.each([
    ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['another site', 'https://evil.example.com/answer'],
    ['a host that only starts like AWS', 'https://x.amazonaws.com.evil.com/answer'],
    ['the AWS domain itself, no host under it', 'https://amazonaws.com/answer'],
    ['a host with a trailing dot', 'https://x.s3.amazonaws.com./answer'],
    ['http on the AWS domain', 'http://x.s3.amazonaws.com/answer'],
    ['another scheme on the AWS domain', 'ftp://x.s3.amazonaws.com/answer'],
    ['a file', 'file:///etc/passwd'],
    ['a data URL', 'data:text/plain,x'],
    ['a user name and password', `https://user:secret@x.s3.amazonaws.com/answer${SIGNED}`],
    ['another partition', `https://x.s3.cn-north-1.amazonaws.com.cn/answer${SIGNED}`],
    ['a loopback host with no stand-in configured', 'http://127.0.0.1:4566/answer'],
    ['not a URL at all', 'not a url'],
  ])('refuses %s, without quoting the URL', (_name, url) => {
    const problem = responseUrlProblem(url, rules());
    expect(problem).toBeDefined();
    expect(problem).not.toContain(url);
    expect(problem).not.toContain('X-Amz-Signature');
  });

  test('a stand-in is answered by its exact origin only; a stand-in that is not a bare origin is ignored', () => {
    const standIn = 'http://127.0.0.1:4566';
    expect(responseUrlProblem('http://127.0.0.1:4566/key?sig=1', rules('', standIn))).toBeUndefined();
    expect(responseUrlProblem('http://127.0.0.1:4566/key', rules('', `${standIn}/`))).toBeUndefined();
    for (const other of ['http://127.0.0.1:4567/key', 'https://127.0.0.1:4566/key', 'http://localhost:4566/key']) {
      expect(responseUrlProblem(other, rules('', standIn))).toMatch(
        /or have the origin http:\/\/127\.0\.0\.1:4566 \(the configured stand-in\)/,
      );
    }
    for (const notAnOrigin of ['http://127.0.0.1:4566/path', 'http://u:p@127.0.0.1:4566', 'file:///tmp', 'not a url']) {
      expect(responseUrlProblem('http://127.0.0.1:4566/key', rules('', notAnOrigin))).toBeDefined();
    }
  });

  test('the partition domain and the stand-in come from the environment; without a domain it is amazonaws.com', () => {
    expect(DEFAULT_URL_SUFFIX).toBe('amazonaws.com');
    expect(responseUrlRules({}, {})).toEqual({ urlSuffix: '', standIn: '' });
    expect(responseUrlRules({}, { [URL_SUFFIX_ENV]: 'amazonaws.com.cn', [RESPONSE_URL_STAND_IN_ENV]: 'http://127.0.0.1:1' })).toEqual({
      urlSuffix: 'amazonaws.com.cn',
      standIn: 'http://127.0.0.1:1',
    });
    expect(responseUrlRules({ urlSuffix: 'x', standIn: 'y' }, { [URL_SUFFIX_ENV]: 'amazonaws.com.cn' })).toEqual({
      urlSuffix: 'x',
      standIn: 'y',
    });
    expect(responseUrlProblem('https://x.s3.amazonaws.com/a', rules('   '))).toBeUndefined();
  });

  test('any web URL whose host is not under amazonaws.com is refused (property, 300 runs)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const host = new URL(url).hostname;
        fc.pre(host !== 'amazonaws.com' && !host.endsWith('.amazonaws.com'));
        expect(responseUrlProblem(url, rules())).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the handler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    asDeployed(h);
  });
  afterEach(() => h.close());

  const forged = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://169.254.170.2/v2/credentials',
    'https://evil.example.com/answer',
    'https://x.amazonaws.com.evil.com/answer',
    'http://x.s3.amazonaws.com/answer',
    'file:///etc/passwd',
    `https://user:pw@x.s3.amazonaws.com/answer${SIGNED}`,
    'http://localhost:1/answer',
  ];

  test("sends nothing at all to a ResponseURL that is not CloudFormation's: no connection (nor a lookup: it comes with one), no FinSpace call", async () => {
    const connect = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const handler = newHandler();
      for (const ResponseURL of forged) {
        const { event } = h.event({ requestType: 'Create', properties: analystProperties() });
        await expect(handler({ ...event, ResponseURL }, lambdaContext())).resolves.toBeUndefined();
      }
      expect(connect).not.toHaveBeenCalled();
      // The spies do see a connection: the receiver's own URL is answered.
      const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
      await h.invokeEvent(handler, key, event);
      expect(connect).toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
    expect(h.emulator.requests.filter((r) => r.operation === 'UpdateUser')).toHaveLength(1);
  });

  test('logs one ERROR audit line per refused request, naming the rule but never the URL', async () => {
    const handler = newHandler();
    for (const ResponseURL of forged) {
      const { event } = h.event({
        requestType: 'Update',
        physicalResourceId: 'u1',
        properties: analystProperties(),
        oldProperties: analystProperties(),
      });
      await handler({ ...event, ResponseURL }, lambdaContext());
    }
    expect(h.logs).toHaveLength(forged.length);
    const logged = h.logs.join('\n');
    for (const url of forged) expect(logged).not.toContain(url);
    expect(logged).not.toMatch(/169\.254|evil|etc\/passwd|X-Amz-Signature|user:pw|localhost/);
    for (const line of h.logs.map((l) => JSON.parse(l))) {
      expect(line).toMatchObject({ level: 'ERROR', outcome: 'IGNORED', requestType: 'Update', physicalResourceId: 'u1', sent: 'nothing' });
      expect(line.reason).toMatch(/^The ResponseURL (is not CloudFormation's|carries a user name or password)/);
    }
  });

  test("with a stand-in configured, its origin is answered as well as CloudFormation's; without one, it is not", async () => {
    const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
    delete process.env[RESPONSE_URL_STAND_IN_ENV];
    await newHandler()(event, lambdaContext());
    expect(h.receiver.response(key)).toBeUndefined();
    await newHandler({ responseUrls: { standIn: receiverOrigin(h.receiver) } })(event, lambdaContext());
    expect(h.receiver.response(key)?.Status).toBe('SUCCESS');
  });
});
