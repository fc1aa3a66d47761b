/**
 * Once, in time: a request CloudFormation no longer waits for (its ResponseURL expired, or it is older than the
 * resource's ServiceTimeout) makes no FinSpace call and leaves one IGNORED audit line saying why; and an UpdateUser not
 * yet sent when CloudFormation stops waiting is never sent, nor retried after that.
 */
import { DEFAULT_SERVICE_TIMEOUT_S, OutlivedError, checkNotOutlived, requestTimes, staleProblem } from '../../lambda/request-age';
import { certainlyNotApplied, CREATE_FAILED_PREFIX } from '../../lambda/lifecycle';
import { analystProperties, ENVIRONMENT_ID, newHandler, TARGET_USER_ID, type EventInit } from '../support/harness';
import { deployedHarnessEachTest } from '../support/deployed-environment';

const T0 = Date.UTC(2026, 11, 2, 16, 14, 4);
const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const BUCKET = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/1/2';

describe('requestTimes', () => {
  test('SigV4: signed at X-Amz-Date, expiring X-Amz-Expires seconds later; CloudFormation gives up at the earlier of that and ServiceTimeout', () => {
    const url = `${BUCKET}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate(T0)}&X-Amz-Expires=7200&X-Amz-Signature=ab`;
    expect(amzDate(T0)).toBe('20261202T161404Z');
    expect(requestTimes(url, '360')).toEqual({ signedAt: T0, expiresAt: T0 + 7_200_000, givesUpAt: T0 + 360_000 });
    // CloudFormation's ServiceTimeout is at most 3600 s: a larger one is taken as that.
    expect(requestTimes(url, '9000')).toEqual({ signedAt: T0, expiresAt: T0 + 7_200_000, givesUpAt: T0 + 3_600_000 });
    const short = `${BUCKET}?X-Amz-Date=${amzDate(T0)}&X-Amz-Expires=300`;
    expect(requestTimes(short, '360').givesUpAt).toBe(T0 + 300_000);
    // Without a ServiceTimeout, CloudFormation's default.
    expect(DEFAULT_SERVICE_TIMEOUT_S).toBe(3600);
    expect(requestTimes(url, undefined).givesUpAt).toBe(T0 + 3_600_000);
    for (const bad of ['', ' 360', '36.0', '-1', 'soon', 360])
      expect([bad, requestTimes(url, bad).givesUpAt]).toEqual([bad, T0 + 3_600_000]);
  });

  test('the older form: Expires in epoch seconds, no signing time', () => {
    const url = `${BUCKET}?AWSAccessKeyId=AKIA&Expires=${T0 / 1000 + 7200}&Signature=x`;
    expect(requestTimes(url, '360')).toEqual({ signedAt: undefined, expiresAt: T0 + 7_200_000, givesUpAt: T0 + 7_200_000 });
  });

  test('a URL that says nothing of its time (a local stand-in), or says it in no valid form, gives no limit', () => {
    for (const url of [
      'http://127.0.0.1:9999/abc',
      `${BUCKET}?X-Amz-Date=2026-12-02T16:14:04Z&X-Amz-Expires=7200`,
      `${BUCKET}?X-Amz-Date=20261302T161404Z`,
      `${BUCKET}?Expires=soon`,
      'not a url',
    ])
      expect([url, requestTimes(url, '360').givesUpAt]).toEqual([url, undefined]);
    // A signing time alone still bounds the request by its ServiceTimeout.
    expect(requestTimes(`${BUCKET}?X-Amz-Date=${amzDate(T0)}`, '360')).toEqual({
      signedAt: T0,
      expiresAt: undefined,
      givesUpAt: T0 + 360_000,
    });
  });
});

test('stale from the moment CloudFormation gives up, saying which limit passed', () => {
  const times = requestTimes(`${BUCKET}?X-Amz-Date=${amzDate(T0)}&X-Amz-Expires=7200`, '360');
  expect(staleProblem(times, T0 + 359_999)).toBeUndefined();
  expect(staleProblem(times, T0 + 360_000)).toBe(
    "The request arrived too late: CloudFormation stopped waiting for it at 2026-12-02T16:20:04.000Z (the URL's signing time " +
      "plus the resource's ServiceTimeout). Lambda delivered it late (a retried or throttled asynchronous event). Nothing was " +
      'sent to FinSpace, and nothing was answered; CloudFormation has already failed or moved past this request.',
  );
  const expired = requestTimes(`${BUCKET}?Expires=${T0 / 1000}`, '360');
  expect(staleProblem(expired, T0)).toContain('its ResponseURL expired at 2026-12-02T16:14:04.000Z, so no answer can reach CloudFormation');
  expect(staleProblem({}, Number.MAX_SAFE_INTEGER)).toBeUndefined();
});

test('an UpdateUser stopped because CloudFormation gave up certainly changed nothing', () => {
  const times = { givesUpAt: T0 };
  expect(() => checkNotOutlived(times, T0 - 1)).not.toThrow();
  expect(() => checkNotOutlived(times, T0)).toThrow(OutlivedError);
  expect(() => checkNotOutlived({}, T0)).not.toThrow();
  const error = new OutlivedError(T0);
  expect([error.name, error.message]).toEqual([
    'OutlivedError',
    'CloudFormation stopped waiting for this request at 2026-12-02T16:14:04.000Z, before UpdateUser was sent, so it was not ' +
      'sent: a late change could undo what CloudFormation did since (a rollback or a Delete). Retry the deployment.',
  ]);
  expect(certainlyNotApplied(error)).toBe(true);
});

describe('the handler', () => {
  const current = deployedHarnessEachTest();

  /** An event whose stand-in ResponseURL carries a signing time `ageMs` ago, as CloudFormation's does. */
  function aged(init: EventInit, ageMs: number, expiresS = 7200) {
    const { key, event } = current().event(init);
    const url = `${event.ResponseURL}&X-Amz-Date=${amzDate(Date.now() - ageMs)}&X-Amz-Expires=${expiresS}&X-Amz-Signature=00`;
    return { key, event: { ...event, ResponseURL: url } };
  }
  const withOnDelete = analystProperties({ onDelete: { apiAccess: 'DISABLED' } });

  test.each<[string, EventInit]>([
    ['Create', { requestType: 'Create', properties: withOnDelete }],
    ['Delete with onDelete', { requestType: 'Delete', physicalResourceId: TARGET_USER_ID, properties: withOnDelete }],
  ])('a %s older than its ServiceTimeout makes no FinSpace call and leaves one IGNORED audit line', async (_name, init) => {
    const h = current();
    const { event } = aged(init, 361_000);
    await newHandler()(event, { getRemainingTimeInMillis: () => 6000 });
    expect(h.emulator.requests).toHaveLength(0);
    expect(h.receiver.puts).toHaveLength(0);
    expect(h.logs).toHaveLength(1);
    expect(JSON.parse(h.logs[0])).toMatchObject({
      level: 'ERROR',
      outcome: 'IGNORED',
      sent: 'nothing',
      delivered: false,
      reason: expect.stringMatching(/^The request arrived too late: CloudFormation stopped waiting for it at /),
    });
  });

  test('one whose ResponseURL expired is refused the same way; a young one is served', async () => {
    const h = current();
    const expired = aged({ requestType: 'Create', properties: analystProperties() }, 2000, 1);
    await newHandler()(expired.event, { getRemainingTimeInMillis: () => 6000 });
    expect(h.emulator.requests).toHaveLength(0);
    expect(JSON.parse(h.logs[0]).reason).toMatch(/its ResponseURL expired at/);
    const young = aged({ requestType: 'Create', properties: analystProperties() }, 1000);
    await newHandler()(young.event, { getRemainingTimeInMillis: () => 6000 });
    expect(h.receiver.response(young.key)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TARGET_USER_ID });
  });

  test('when the credentials take longer than CloudFormation still waits, UpdateUser is not sent at all', async () => {
    const h = current();
    // Signed 359 s ago with a ServiceTimeout of 360 s, and the credentials take 2.5 s: CloudFormation gives up first.
    h.emulator.injectFault({ operation: 'GetProgrammaticAccessCredentials', delayMs: 2500 });
    const { key, event } = aged({ requestType: 'Create', properties: analystProperties() }, 359_000);
    await newHandler()(event, { getRemainingTimeInMillis: () => 6000 });
    expect(h.emulator.count('UpdateUser')).toBe(0);
    expect(h.receiver.response(key)).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: expect.stringMatching(/^finspace-user-settings:create-failed:/),
    });
    // The credentials call itself ends when CloudFormation stops waiting.
    expect(h.receiver.response(key)!.Reason).toMatch(/^GetProgrammaticAccessCredentials gave up at the deadline/);
  });

  test('a throttled Create stops retrying when CloudFormation stops waiting, sends nothing after, and answers FAILED with the marker', async () => {
    const h = current();
    h.emulator.injectFault({ operation: 'UpdateUser', status: 429, times: 1000 });
    // Signed 358.5 s ago with a ServiceTimeout of 360 s (X-Amz-Date has whole seconds): 0.5 to 1.5 s left.
    const { key, event } = aged({ requestType: 'Create', properties: analystProperties() }, 358_500);
    await newHandler()(event, { getRemainingTimeInMillis: () => 6000 });
    const lastSent = Math.max(...h.emulator.requests.filter((r) => r.operation === 'UpdateUser').map((r) => r.at));
    const givesUpAt = requestTimes(event.ResponseURL, '360').givesUpAt!;
    expect(lastSent).toBeLessThan(givesUpAt);
    const response = h.receiver.response(key)!;
    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId.startsWith(CREATE_FAILED_PREFIX)).toBe(true);
    expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)?.apiAccess).toBe('DISABLED');
  });
});
