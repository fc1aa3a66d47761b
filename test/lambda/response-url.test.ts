/**
 * Which ResponseURLs the handler answers: CloudFormation's (https, no port, its response bucket of the function's region
 * in S3 on the partition's AWS domain) and a configured local stand-in's origin, nothing else: not another bucket, not
 * another AWS service's host (an API, a load balancer, a VPC endpoint). To any other URL no request at all is made (no
 * connection, no FinSpace call), and the URL is never logged.
 */
import * as fc from 'fast-check';
import * as net from 'node:net';
import { RESPONSE_URL_STAND_IN_ENV, URL_SUFFIX_ENV } from '../../lib/handler-contract';
import { DEFAULT_URL_SUFFIX, RESPONSE_BUCKET_PREFIX, responseUrlProblem, responseUrlRules } from '../../lambda/response-url';
import { analystProperties, Harness, lambdaContext, newHandler } from '../support/harness';
import { asDeployed, receiverOrigin } from '../support/deployed-environment';

const rules = (urlSuffix = '', standIn = '', region = 'us-east-1') => ({ urlSuffix, standIn, region });
const SIGNED = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef';
const BUCKET = 'cloudformation-custom-resource-response-useast1';
const KEY = `arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/S/1%7CAnalyst%7Creq-1${SIGNED}`;

describe('the rule', () => {
  test.each([
    ['a virtual-hosted S3 URL', `https://${BUCKET}.s3.amazonaws.com/${KEY}`, '', 'us-east-1'],
    ['a regional virtual-hosted S3 URL', `https://${BUCKET}.s3.us-east-1.amazonaws.com/${KEY}`, '', 'us-east-1'],
    [
      'another region (its own bucket)',
      `https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x${SIGNED}`,
      '',
      'eu-west-1',
    ],
    [
      'a legacy dash-style regional host',
      `https://cloudformation-custom-resource-response-uswest2.s3-us-west-2.amazonaws.com/x`,
      '',
      'us-west-2',
    ],
    ['a dual-stack host', `https://${BUCKET}.s3.dualstack.us-east-1.amazonaws.com/x`, '', 'us-east-1'],
    [
      'a FIPS host',
      'https://cloudformation-custom-resource-response-usgovwest1.s3-fips.us-gov-west-1.amazonaws.com/x',
      '',
      'us-gov-west-1',
    ],
    ['a path-style S3 URL', `https://s3.amazonaws.com/${BUCKET}/${KEY}`, '', 'us-east-1'],
    ['a regional path-style S3 URL', `https://s3.us-east-1.amazonaws.com/${BUCKET}/${KEY}`, '', 'us-east-1'],
    ['a legacy path-style host', `https://s3-external-1.amazonaws.com/${BUCKET}/x`, '', 'us-east-1'],
    ['an upper-case host (URLs compare hosts in lower case)', `https://S3.AMAZONAWS.COM/${BUCKET}/x${SIGNED}`, '', 'us-east-1'],
    ['the default https port written out (it is no port)', `https://${BUCKET}.s3.amazonaws.com:443/x`, '', 'us-east-1'],
    [
      'the China partition',
      `https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x${SIGNED}`,
      'amazonaws.com.cn',
      'cn-north-1',
    ],
    [
      "any region's bucket when the region is not known",
      `https://cloudformation-custom-resource-response-apsoutheast2.s3.amazonaws.com/x`,
      '',
      '',
    ],
  ])('answers %s', (_name, url, suffix, region) => {
    expect(responseUrlProblem(url, rules(suffix, '', region))).toBeUndefined();
  });

  test.each([
    ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['another site', 'https://evil.example.com/answer'],
    ['a host that only starts like AWS', `https://${BUCKET}.s3.amazonaws.com.evil.com/answer`],
    ['the AWS domain itself, no host under it', 'https://amazonaws.com/answer'],
    ['a host with a trailing dot', `https://${BUCKET}.s3.amazonaws.com./answer`],
    ['http on the AWS domain', `http://${BUCKET}.s3.amazonaws.com/answer`],
    ['another scheme on the AWS domain', `ftp://${BUCKET}.s3.amazonaws.com/answer`],
    ['a file', 'file:///etc/passwd'],
    ['a data URL', 'data:text/plain,x'],
    ['a user name and password', `https://user:secret@${BUCKET}.s3.amazonaws.com/answer${SIGNED}`],
    ['another partition', `https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/answer${SIGNED}`],
    ['a loopback host with no stand-in configured', 'http://127.0.0.1:4566/answer'],
    ['not a URL at all', 'not a url'],
    ['an explicit port', `https://${BUCKET}.s3.amazonaws.com:8443/answer`],
    ["an attacker's own bucket, virtual-hosted", `https://attacker-bucket.s3.amazonaws.com/answer${SIGNED}`],
    ["an attacker's own bucket, path-style", `https://s3.amazonaws.com/attacker-bucket/answer${SIGNED}`],
    ["a bucket that only starts like CloudFormation's", `https://${BUCKET}-copy.s3.amazonaws.com/answer`],
    ['the bucket of another region', 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/answer'],
    ["the bucket's name further down the path", `https://s3.amazonaws.com/attacker-bucket/${BUCKET}/answer`],
    ["the bucket's name as a host label elsewhere", `https://${BUCKET}.attacker.s3.amazonaws.com/answer`],
    ['an API Gateway API', 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/answer'],
    ['a Lambda function URL', 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/answer'],
    ['an internal load balancer', 'https://internal-my-alb-1234567890.us-east-1.elb.amazonaws.com/answer'],
    ['a VPC endpoint name', 'https://vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/answer'],
    [
      "a VPC endpoint's wildcard name that starts with the bucket",
      `https://${BUCKET}.s3.vpce-0123456789abcdef0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/answer`,
    ],
    ['an S3 access point', `https://${BUCKET}-123456789012.s3-accesspoint.us-east-1.amazonaws.com/answer`],
    ['S3 on a non-region label', `https://${BUCKET}.s3.attacker.amazonaws.com/answer`],
  ])('refuses %s, without quoting the URL', (_name, url) => {
    const problem = responseUrlProblem(url, rules());
    expect(problem).toBeDefined();
    expect(problem).not.toContain(url);
    expect(problem).not.toContain('X-Amz-Signature');
    expect(problem).toMatch(/^The ResponseURL (is not|carries)/);
  });

  test("the reason names the rule: the bucket of the function's region, https, no port", () => {
    expect(responseUrlProblem('https://attacker.s3.amazonaws.com/x', rules())).toBe(
      "The ResponseURL is not CloudFormation's: it must be an https URL, without a port, of CloudFormation's response bucket " +
        `${BUCKET} on S3 under amazonaws.com (the partition's AWS domain). The event is not from CloudFormation, or the handler ` +
        `is run by a local stand-in without ${RESPONSE_URL_STAND_IN_ENV} set to its origin.`,
    );
    expect(responseUrlProblem('https://attacker.s3.amazonaws.com/x', rules('', '', ''))).toContain(
      `response bucket ${RESPONSE_BUCKET_PREFIX}<region> on S3`,
    );
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
    const notOrigins = ['/path', '/?x=1', '/#x'].map((tail) => `${standIn}${tail}`);
    for (const notAnOrigin of [...notOrigins, 'http://u@127.0.0.1:4566', 'http://:p@127.0.0.1:4566', 'file:///tmp', 'not a url']) {
      expect([notAnOrigin, responseUrlProblem('http://127.0.0.1:4566/key', rules('', notAnOrigin))]).toEqual([
        notAnOrigin,
        expect.stringMatching(/^The ResponseURL is not/),
      ]);
    }
    // A stand-in whose URL has no origin (a scheme other than http and https) matches no ResponseURL.
    expect(responseUrlProblem('foo://other/r', rules('', 'foo://bar'))).toMatch(/^The ResponseURL is not/);
  });

  test('the partition domain, the stand-in and the region come from the environment; without a domain it is amazonaws.com', () => {
    expect(DEFAULT_URL_SUFFIX).toBe('amazonaws.com');
    expect(responseUrlRules({}, {})).toEqual({ urlSuffix: '', standIn: '', region: '' });
    expect(
      responseUrlRules(
        {},
        { [URL_SUFFIX_ENV]: 'amazonaws.com.cn', [RESPONSE_URL_STAND_IN_ENV]: 'http://127.0.0.1:1', AWS_REGION: 'cn-north-1' },
      ),
    ).toEqual({
      urlSuffix: 'amazonaws.com.cn',
      standIn: 'http://127.0.0.1:1',
      region: 'cn-north-1',
    });
    expect(
      responseUrlRules({ urlSuffix: 'x', standIn: 'y', region: 'z' }, { [URL_SUFFIX_ENV]: 'amazonaws.com.cn', AWS_REGION: 'a' }),
    ).toEqual({ urlSuffix: 'x', standIn: 'y', region: 'z' });
    expect(responseUrlProblem(`https://${BUCKET}.s3.amazonaws.com/a`, rules('   '))).toBeUndefined();
  });

  test('any web URL is refused (property, 300 runs)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(responseUrlProblem(url, rules())).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  // Hosts made of the labels a ResponseURL could be forged from: CloudFormation's bucket and others, S3's labels,
  // regions, other AWS services' labels, the domain; with or without a port, over https or not, path-style or not.
  const REGIONS = ['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1'];
  const S3_LABELS = ['s3', 's3-external-1', 's3-fips', 'dualstack', ...REGIONS, ...REGIONS.map((r) => `s3-${r}`)];
  const OTHER_LABELS = [
    'cloudformation-custom-resource-response-euwest1',
    `${BUCKET}-x`,
    'attacker',
    'execute-api',
    'vpce-0abc-1',
    'vpce',
    'elb',
    's3-accesspoint',
    's3express',
    'amazonaws',
    'com',
  ];
  const label = fc.constantFrom(BUCKET, ...S3_LABELS, ...OTHER_LABELS);
  const forgedUrl = fc.record({
    scheme: fc.constantFrom('https', 'https', 'https', 'http'),
    labels: fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 5 }),
      // Near misses: a bucket (or none), then S3's labels in any order, or another label among them.
      fc
        .tuple(
          fc.constantFrom([BUCKET], [], ['attacker']),
          fc.array(fc.constantFrom(...S3_LABELS), { minLength: 1, maxLength: 3 }),
          fc.option(label),
        )
        .map(([bucket, s3, other]) => [...bucket, ...s3, ...(other === null ? [] : [other])]),
    ),
    suffix: fc.constantFrom('amazonaws.com', 'amazonaws.com', 'amazonaws.com.cn', 'amazonaws.com.evil.com'),
    port: fc.constantFrom('', '', '', ':8443', ':80'),
    segments: fc.array(fc.constantFrom(BUCKET, 'attacker', 'x', '..', 'cloudformation-custom-resource-response-euwest1'), {
      minLength: 1,
      maxLength: 3,
    }),
  });

  test("a URL is answered only when it addresses the bucket on S3 of the function's region, over https, without a port (property, 500 runs)", () => {
    fc.assert(
      fc.property(forgedUrl, ({ scheme, labels, suffix, port, segments }) => {
        const url = `${scheme}://${labels.join('.')}.${suffix}${port}/${segments.join('/')}${SIGNED}`;
        if (responseUrlProblem(url, rules()) !== undefined) return;
        // An independent reading: the host is S3's labels under the domain, the bucket is the first label before
        // them or else the first path segment, and it is CloudFormation's of us-east-1.
        const parsed = new URL(url);
        expect([parsed.protocol, parsed.port]).toEqual(['https:', '']);
        expect(parsed.hostname.endsWith('.amazonaws.com')).toBe(true);
        const hostLabels = parsed.hostname.slice(0, -'.amazonaws.com'.length).split('.');
        const virtual = hostLabels[0] === BUCKET;
        const s3Labels = virtual ? hostLabels.slice(1) : hostLabels;
        expect(s3Labels.length).toBeGreaterThan(0);
        expect(s3Labels[0]).toMatch(/^s3(-|$)/);
        for (const l of s3Labels) expect(S3_LABELS).toContain(l);
        if (!virtual) expect(parsed.pathname.split('/')[1]).toBe(BUCKET);
      }),
      { numRuns: 500 },
    );
  });

  test("every form of CloudFormation's URL is answered, for each region and partition (property, 200 runs)", () => {
    const region = fc.constantFrom(
      'us-east-1',
      'us-west-2',
      'eu-central-1',
      'ap-southeast-2',
      'us-gov-west-1',
      'cn-north-1',
      'il-central-1',
      'eusc-de-east-1',
    );
    fc.assert(
      fc.property(region, fc.constantFrom('virtual', 'path'), fc.nat(3), fc.boolean(), (r, style, form, upper) => {
        const suffix = r.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
        const bucket = `cloudformation-custom-resource-response-${r.replace(/-/g, '')}`;
        const endpoint = ['s3', `s3.${r}`, `s3-${r}`, `s3.dualstack.${r}`][form];
        const host = `${style === 'virtual' ? `${bucket}.` : ''}${endpoint}.${suffix}`;
        const url = `https://${upper ? host.toUpperCase() : host}/${style === 'path' ? `${bucket}/` : ''}${KEY}`;
        expect(responseUrlProblem(url, rules(suffix, '', r))).toBeUndefined();
        expect(responseUrlProblem(url, rules(suffix, '', ''))).toBeUndefined();
        // The same URL for a function of another region is not its stack's.
        expect(responseUrlProblem(url, rules(suffix, '', r === 'us-east-1' ? 'eu-west-1' : 'us-east-1'))).toBeDefined();
      }),
      { numRuns: 200 },
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
    `https://attacker-bucket.s3.amazonaws.com/answer${SIGNED}`,
    'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/answer',
    'https://internal-my-alb-1234567890.us-east-1.elb.amazonaws.com/answer',
    `https://${BUCKET}.s3.amazonaws.com:8443/answer`,
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
    expect(logged).not.toMatch(/169\.254|evil|etc\/passwd|X-Amz-Signature|user:pw|localhost|attacker-bucket|execute-api|elb|:8443/);
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

describe('at the edges of its configuration', () => {
  const BUCKET_URL = `https://${BUCKET}.s3.amazonaws.com/${KEY}`;

  test('the region may come with spaces around it; the AWS domain with leading dots', () => {
    expect(responseUrlProblem(BUCKET_URL, rules('amazonaws.com', '', ' us-east-1 '))).toBeUndefined();
    expect(responseUrlProblem(BUCKET_URL, rules('.amazonaws.com'))).toBeUndefined();
    expect(responseUrlProblem(BUCKET_URL, rules('..amazonaws.com'))).toBeUndefined();
  });

  test.each([
    ['a user name', `https://someone@${BUCKET}.s3.amazonaws.com/x`],
    ['a password alone', `https://:secret@${BUCKET}.s3.amazonaws.com/x`],
  ])('a ResponseURL with %s is refused as such, even on the response bucket', (_case, url) => {
    expect(responseUrlProblem(url, rules())).toBe('The ResponseURL carries a user name or password, which CloudFormation never sends.');
  });
});
