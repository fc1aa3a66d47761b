/**
 * The imitation's container: each invocation gets its own log lines (all of them, an unfinished last line too), what it
 * reports when the process ends, and cold starts. What it shares with AWS's runtime is in imitation-runtime.test.ts.
 */
import { exitError, LocalLambda, timedOut } from '../../testing/local-lambda';
import { handlerFolder } from '../support/lambda-containers';

const HANDLER = `
exports.handler = async (event) => {
  console.info({ audit: 'x', n: event.n });
  console.error('failed', event.n);
  if (event.unfinished) process.stdout.write('no newline');
};
`;

const folder = handlerFolder(HANDLER);
const spec = folder.spec();
afterAll(() => folder.remove());

test("under the JSON log format, lines are the runtime's JSON objects, and each invocation has its own", async () => {
  const lambda = new LocalLambda(spec, { logFormat: 'JSON' });
  try {
    const first = await lambda.invoke({ n: 1 });
    const second = await lambda.invoke({ n: 2, unfinished: true });
    const parsed = first.logs.map((line) => JSON.parse(line));
    expect(parsed).toEqual([
      { timestamp: expect.any(String), level: 'INFO', requestId: expect.any(String), message: { audit: 'x', n: 1 } },
      { timestamp: expect.any(String), level: 'ERROR', requestId: parsed[0].requestId, message: 'failed 1' },
    ]);
    expect(second.logs.map((line) => (line.startsWith('{') ? JSON.parse(line).message : line))).toEqual([
      { audit: 'x', n: 2 },
      'failed 2',
      'no newline',
    ]);
    expect(JSON.parse(second.logs[0]).requestId).not.toBe(parsed[0].requestId);
    expect(lambda.logs).toEqual([...first.logs, ...second.logs]);
  } finally {
    await lambda.stop();
  }
});

test("what it reports when the process ends, in the words of Lambda's runtime; a timeout's seconds to two places", () => {
  expect(exitError('r1', 3, null)).toEqual({
    errorType: 'Runtime.ExitError',
    error: 'RequestId: r1 Error: Runtime exited with error: exit status 3',
  });
  expect(exitError('r1', 0, null).error).toBe('RequestId: r1 Error: Runtime exited without providing a reason');
  expect(
    (['SIGKILL', 'SIGTERM', 'SIGABRT', 'SIGSEGV', 'SIGHUP'] as const).map((signal) =>
      exitError('r1', null, signal).error?.split(': ').at(-1),
    ),
  ).toEqual(['killed', 'terminated', 'aborted', 'segmentation fault', 'SIGHUP']);
  expect(timedOut(300)).toBe('Task timed out after 300.00 seconds');
});

test('a stopped container starts cold on the next invocation', async () => {
  const lambda = new LocalLambda(spec, { logFormat: 'JSON' });
  try {
    expect((await lambda.invoke({ n: 1 })).coldStart).toBe(true);
    expect((await lambda.invoke({ n: 2 })).coldStart).toBe(false);
    await lambda.stop();
    expect((await lambda.invoke({ n: 3 })).coldStart).toBe(true);
  } finally {
    await lambda.stop();
  }
});
