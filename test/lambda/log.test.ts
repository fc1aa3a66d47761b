/**
 * The handler's log lines: never over 4 KB, Lambda's own JSON fields included, whatever they hold; under Lambda's
 * JSON log format the object itself is logged, so that the runtime makes it the line's structured `message`.
 */
import * as fc from 'fast-check';
import { fitRecord, log, MAX_LOG_LINE_BYTES, MAX_LOG_RECORD_BYTES } from '../../lambda/log';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
/** The line Lambda's Node.js runtime writes under the JSON log format for one logged object. */
const lambdaLine = (record: unknown) =>
  JSON.stringify({
    timestamp: '2026-11-28T12:00:00.000Z',
    level: 'ERROR',
    requestId: '0f8e2c0a-1b2c-4d5e-8f90-123456789abc',
    message: record,
  });

test('a record that fits is logged as it is', () => {
  const record = { level: 'INFO', message: 'm', reason: 'short' };
  expect(fitRecord(record)).toBe(record);
});

test('a long reason keeps the longest start that fits, the other fields whole', () => {
  const record = {
    level: 'ERROR',
    message: 'request answered',
    audit: 'FinSpaceUserSettings',
    stackId: 'arn:x',
    reason: 'é"'.repeat(5000),
  };
  const fitted = fitRecord(record);
  expect(bytes(fitted)).toBeLessThanOrEqual(MAX_LOG_RECORD_BYTES);
  expect(fitted).toMatchObject({ level: 'ERROR', message: 'request answered', audit: 'FinSpaceUserSettings', stackId: 'arn:x' });
  const kept = String(fitted.reason).replace(/ \[truncated\]$/, '');
  expect(record.reason.startsWith(kept)).toBe(true);
  expect(bytes({ ...fitted, reason: `${record.reason.slice(0, kept.length + 1)} [truncated]` })).toBeGreaterThan(MAX_LOG_RECORD_BYTES);
});

test('long fields besides the reason are cut too; a record that still cannot fit keeps its level, message, audit mark and outcome', () => {
  const long = { level: 'ERROR', message: 'request answered', stackId: 'x'.repeat(20_000), reason: 'y'.repeat(20_000) };
  const fitted = fitRecord(long);
  expect(bytes(fitted)).toBeLessThanOrEqual(MAX_LOG_RECORD_BYTES);
  expect(String(fitted.stackId)).toMatch(/^x+…$/);
  const wide = {
    level: 'ERROR',
    message: 'm',
    audit: 'FinSpaceUserSettings',
    outcome: 'FAILED',
    delivered: false,
    ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'z'.repeat(200)])),
  };
  expect(fitRecord(wide)).toEqual({
    level: 'ERROR',
    message: 'm',
    audit: 'FinSpaceUserSettings',
    outcome: 'FAILED',
    delivered: false,
    note: 'the record was too large to log',
  });
});

test("any record, within 4 KB with Lambda's own fields around it (property, 300 runs)", () => {
  const text = fc.oneof(
    fc.string({ maxLength: 50 }),
    fc.string({ unit: 'binary', maxLength: 3000 }),
    fc.string({ unit: fc.constantFrom('"', '\u0001', '😀', 'é'), maxLength: 3000 }),
  );
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string({ maxLength: 30 }),
        fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.string({ maxLength: 10 }), text, { maxKeys: 8 })),
        { maxKeys: 40 },
      ),
      text,
      (fields, reason) => {
        const fitted = fitRecord({ level: 'ERROR', message: 'request answered', ...fields, reason });
        expect(bytes(fitted)).toBeLessThanOrEqual(MAX_LOG_RECORD_BYTES);
        expect(Buffer.byteLength(lambdaLine(fitted))).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
      },
    ),
    { numRuns: 300 },
  );
});

describe('how a line is written', () => {
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;
  const saved = process.env.AWS_LAMBDA_LOG_FORMAT;
  beforeEach(() => {
    info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    info.mockRestore();
    error.mockRestore();
    if (saved === undefined) delete process.env.AWS_LAMBDA_LOG_FORMAT;
    else process.env.AWS_LAMBDA_LOG_FORMAT = saved;
  });

  test('as one line of JSON, by default (text log format, the local runner, tests)', () => {
    delete process.env.AWS_LAMBDA_LOG_FORMAT;
    log('INFO', { message: 'm', audit: 'FinSpaceUserSettings' });
    expect(info).toHaveBeenCalledWith('{"level":"INFO","message":"m","audit":"FinSpaceUserSettings"}');
  });

  test("as the object itself under Lambda's JSON log format, which the runtime makes the line's message", () => {
    process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    log('ERROR', { message: 'm', reason: 'r'.repeat(10_000) });
    const [record] = error.mock.calls[0];
    expect(record).toMatchObject({ level: 'ERROR', message: 'm' });
    expect(Buffer.byteLength(lambdaLine(record))).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
  });
});

test('other fields are cut in arrays and kept as arrays, null stays null, and a reason that fits after them is kept whole', () => {
  const record = { message: 'm', list: ['x'.repeat(3000), 'y'.repeat(3000)], nothing: null, reason: 'r'.repeat(1000) };
  const fitted = fitRecord(record);
  expect(Array.isArray(fitted.list)).toBe(true);
  expect((fitted.list as string[]).map((item) => [item[0], Buffer.byteLength(JSON.stringify(item)) <= 512])).toEqual([
    ['x', true],
    ['y', true],
  ]);
  expect([fitted.nothing, fitted.reason]).toEqual([null, record.reason]);
});

test('a record without a reason is cut all the same', () => {
  const fitted = fitRecord({ message: 'm', detail: 'd'.repeat(5000) });
  expect(Object.keys(fitted)).toEqual(['message', 'detail']);
  expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_LOG_RECORD_BYTES);
});

test('a record of exactly the size is kept as it is; one whose reason can only be emptied keeps the mark', () => {
  const record = { reason: 'x'.repeat(100) };
  const exact = Buffer.byteLength(JSON.stringify(record));
  expect(fitRecord(record, exact)).toBe(record);
  const room = Buffer.byteLength(JSON.stringify({ reason: ' [truncated]' }));
  expect(fitRecord(record, room)).toEqual({ reason: ' [truncated]' });
});
