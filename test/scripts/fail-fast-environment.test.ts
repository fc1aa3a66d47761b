/**
 * Under Stryker, a mutant's run stops at its first failing test: every later test of that mutant's run is skipped,
 * in the same file or the next, and the next mutant's run starts afresh.
 */
type CircusEvent = { name: string; test?: { mode?: string } };
const Environment = require('../support/fail-fast-environment') as {
  prototype: { handleTestEvent(event: CircusEvent, state: unknown): Promise<void> };
};
const handle = (event: CircusEvent) => Environment.prototype.handleTestEvent.call({}, event, {});
const start = async () => {
  const event = { name: 'test_start', test: { mode: undefined as string | undefined } };
  await handle(event);
  return event.test.mode;
};

const saved = process.env.__STRYKER_ACTIVE_MUTANT__;
afterAll(() => {
  if (saved === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
  else process.env.__STRYKER_ACTIVE_MUTANT__ = saved;
});

test('after a failing test or hook, the rest of the same mutant run is skipped; the next mutant runs every test', async () => {
  process.env.__STRYKER_ACTIVE_MUTANT__ = '11';
  expect(await start()).toBeUndefined();
  await handle({ name: 'test_fn_failure' });
  expect(await start()).toBe('skip');
  expect(await start()).toBe('skip');
  process.env.__STRYKER_ACTIVE_MUTANT__ = '12';
  expect(await start()).toBeUndefined();
  await handle({ name: 'hook_failure' });
  expect(await start()).toBe('skip');
});

test('without an active mutant (the initial run, or plain jest) nothing is skipped', async () => {
  delete process.env.__STRYKER_ACTIVE_MUTANT__;
  await handle({ name: 'test_fn_failure' });
  expect(await start()).toBeUndefined();
});
