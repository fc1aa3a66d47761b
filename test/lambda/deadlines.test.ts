/** When each part of an invocation must end. */
import { AUDIT_RESERVE_MS, deadlinesOf, responseReserveMs } from '../../lambda/deadlines';

test('the answer reserve: a fifth of the remaining time, at least 200 ms and at most 5 s', () => {
  expect(responseReserveMs(300_000)).toBe(5000);
  expect(responseReserveMs(25_000)).toBe(5000);
  expect(responseReserveMs(10_000)).toBe(2000);
  expect(responseReserveMs(999)).toBe(200);
  expect(responseReserveMs(100)).toBe(200);
});

test('the work ends at the reserve, the guard at most a second after it and halfway to the answer; the audit line last', () => {
  const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
  expect(deadlinesOf(1000, remaining(10_000))).toEqual({ work: 9000, guard: 9950, answer: 10_900, audit: 11_000 - AUDIT_RESERVE_MS });
  expect(deadlinesOf(0, remaining(30_000))).toMatchObject({ work: 25_000, guard: 26_000, answer: 29_900 });
  expect(deadlinesOf(0, remaining(1000))).toEqual({ work: 800, guard: 850, answer: 900, audit: 980 });
  // Without a context that says (a hand-made call), 3 s.
  for (const context of [undefined, {}, remaining(NaN)]) expect(deadlinesOf(0, context).audit).toBe(3000 - AUDIT_RESERVE_MS);
});
