/**
 * The emulator's queued faults (which request each one hits) and its shared token-bucket rate limit.
 */
import type { FinSpaceEmulator } from '../../testing/finspace-emulator';
import { adminCredentials, startSeeded, updateRaw } from '../support/seeded-emulator';
import { getUser } from '../support/signed-request';

let emulator: FinSpaceEmulator;
beforeEach(async () => (emulator = await startSeeded()));
afterEach(() => emulator.close());

describe('faults', () => {
  test('used in order, only by their operation, for their count; then requests go through', async () => {
    const admin = await adminCredentials(emulator);
    emulator.injectFault({ operation: 'UpdateUser', status: 500, times: 2 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(await updateRaw(emulator, admin, '{}')).toMatchObject({
      status: 500,
      errorType: 'InternalServerException',
      body: { message: 'injected InternalServerException' },
    });
    expect(await updateRaw(emulator, admin, '{}')).toMatchObject({ status: 500, errorType: 'InternalServerException' });
    expect((await updateRaw(emulator, admin, '{}')).status).toBe(200);
  });

  test('a fault with no operation hits any; one without effect lets a request through and places the next after it', async () => {
    const admin = await adminCredentials(emulator);
    emulator.injectFault({ times: 1 });
    emulator.injectFault({ status: 503 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(await getUser(emulator.endpoint, admin, 'u1')).toMatchObject({ status: 503, errorType: 'ServiceUnavailable' });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
  });

  test('times: 0 has no effect at all: never applied, and not in the way of the faults queued after it', async () => {
    const admin = await adminCredentials(emulator);
    emulator.injectFault({ operation: 'GetUser', status: 500, times: 0 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    emulator.injectFault({ status: 503, times: 0 });
    emulator.injectFault({ operation: 'GetUser', status: 409 });
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(409);
    expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    expect(emulator.requests.filter((r) => r.operation === 'GetUser').map((r) => r.status)).toEqual([200, 409, 200]);
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'times: %p is refused with a clear error, and queues nothing',
    async (times) => {
      const admin = await adminCredentials(emulator);
      expect(() => emulator.injectFault({ status: 500, times })).toThrow(
        new RangeError(`times must be a whole number >= 0 (got ${times})`),
      );
      expect((await getUser(emulator.endpoint, admin, 'u1')).status).toBe(200);
    },
  );
});

describe('rate limit', () => {
  test('shared by all callers: 429 beyond its burst, refilled at its rate, and removable', async () => {
    const admin = await adminCredentials(emulator);
    emulator.setRateLimit({ requestsPerSecond: 5, burst: 3 });
    const results = await Promise.all(Array.from({ length: 8 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(results.filter((r) => r.status === 200).length).toBe(3);
    expect(emulator.count('GetUser', 429)).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 450)); // 2 tokens at 5/s
    const refilled = await Promise.all(Array.from({ length: 4 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(refilled.filter((r) => r.status === 200).length).toBe(2);
    emulator.setRateLimit(undefined);
    const free = await Promise.all(Array.from({ length: 6 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(free.every((r) => r.status === 200)).toBe(true);
  });

  test('the burst defaults to the rate', async () => {
    const admin = await adminCredentials(emulator);
    emulator.setRateLimit({ requestsPerSecond: 2 });
    const results = await Promise.all(Array.from({ length: 4 }, () => getUser(emulator.endpoint, admin, 'u1')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
  });
});
