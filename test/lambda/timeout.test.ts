/**
 * The timeout race, on jest's fake timers: the work's result or the timeout's, and never a timer left behind.
 */
import { raceTimeout } from '../../lambda/timeout';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('work that finishes first wins, and its timer is cleared (nothing left pending in a warm container)', async () => {
  const onTimeout = jest.fn(() => 'timed out');
  await expect(raceTimeout(Promise.resolve('done'), 10_000, onTimeout)).resolves.toBe('done');
  expect(jest.getTimerCount()).toBe(0);
  jest.advanceTimersByTime(20_000);
  expect(onTimeout).not.toHaveBeenCalled();
});

test('work that fails first: its error, and the timer is cleared too', async () => {
  const onTimeout = jest.fn(() => 'timed out');
  await expect(raceTimeout(Promise.reject(new Error('boom')), 10_000, onTimeout)).rejects.toThrow('boom');
  expect(jest.getTimerCount()).toBe(0);
  expect(onTimeout).not.toHaveBeenCalled();
});

test('work that finishes while the timer runs clears it (clearTimeout on the race timer)', async () => {
  const clear = jest.spyOn(global, 'clearTimeout');
  let finish!: (value: string) => void;
  const race = raceTimeout(new Promise<string>((resolve) => (finish = resolve)), 5000, () => 'timed out');
  expect(jest.getTimerCount()).toBe(1);
  jest.advanceTimersByTime(4999);
  finish('done');
  await expect(race).resolves.toBe('done');
  expect(jest.getTimerCount()).toBe(0);
  expect(clear).toHaveBeenCalledTimes(1);
  clear.mockRestore();
});

test('the timeout wins when the work is slower: onTimeout is its result, or its error', async () => {
  const never = new Promise<string>(() => undefined);
  const timedOut = raceTimeout(never, 1000, () => 'timed out');
  jest.advanceTimersByTime(1000);
  await expect(timedOut).resolves.toBe('timed out');
  const thrown = raceTimeout(never, 1000, () => {
    throw new Error('too slow');
  });
  jest.advanceTimersByTime(1000);
  await expect(thrown).rejects.toThrow('too slow');
  expect(jest.getTimerCount()).toBe(0);
});

test('a negative timeout is no timeout at all: onTimeout on the next tick', async () => {
  const timedOut = raceTimeout(new Promise<string>(() => undefined), -5, () => 'timed out');
  jest.advanceTimersByTime(0);
  await expect(timedOut).resolves.toBe('timed out');
});
