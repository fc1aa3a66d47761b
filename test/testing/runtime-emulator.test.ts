/**
 * AWS's emulator as a container: what only it does (what the imitation shares with it is in imitation-runtime.test.ts):
 * its platform lines kept out of the function's logs, concurrent containers on ports of their own, a binary that does
 * not start said plainly.
 */
import { RuntimeEmulatorLambda } from '../../testing/runtime-emulator';
import { AWS_RUNTIME, handlerFolder, newContainer } from '../support/lambda-containers';

const folder = handlerFolder(
  `exports.handler = async (event) => { console.info({ n: event.n }); await new Promise((r) => setTimeout(r, 200)); };`,
);
afterAll(() => folder.remove());

(AWS_RUNTIME.pieces ? test : test.skip)('two containers run at once, each with only its own lines (no START, END or REPORT)', async () => {
  const [a, b] = [newContainer('emulator', folder.spec()), newContainer('emulator', folder.spec())];
  try {
    const results = await Promise.all([a.invoke({ n: 1 }), b.invoke({ n: 2 })]);
    expect(results.map((r) => [r.ok, r.logs])).toEqual([
      [true, ['{ n: 1 }'].map((m) => expect.stringContaining(`INFO\t${m}`))],
      [true, ['{ n: 2 }'].map((m) => expect.stringContaining(`INFO\t${m}`))],
    ]);
    expect(results[0].handlerMs).toBeGreaterThanOrEqual(150);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test.each([
  ['one that exits at once', '/bin/false', /^fn: the Runtime Interface Emulator did not start after 3 tries: $/],
  [
    'one that cannot be run at all',
    '/nowhere/aws-lambda-rie',
    /did not start after 3 tries: .*\/nowhere\/aws-lambda-rie could not be run: spawn \S+ ENOENT/,
  ],
])('an emulator binary that does not start (%s) is an error naming the function, after three tries', async (_case, rie, error) => {
  const lambda = new RuntimeEmulatorLambda(folder.spec(), {
    pieces: { rie, ricEntry: '/nowhere/index.mjs', rieVersion: 'v0', ricVersion: '0' },
  });
  try {
    await expect(lambda.invoke({})).rejects.toThrow(error);
    // The next invocation tries again.
    await expect(lambda.invoke({})).rejects.toThrow(error);
  } finally {
    await lambda.stop();
  }
});
