/**
 * The Lambda-like container: each invocation gets its own log lines (all of them, an unfinished last line too), and
 * under the JSON log format console output is written as Lambda's Node.js runtime writes it: a lone object becomes the
 * line's `message` as it is, several arguments are formatted into a string.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LambdaFunctionSpec } from '../../testing/cloud-assembly';
import { LocalLambda } from '../../testing/local-lambda';

const HANDLER = `
exports.handler = async (event, context) => {
  if (event.context) return console.info({ invokedFunctionArn: context.invokedFunctionArn });
  console.info({ audit: 'x', n: event.n });
  console.error('failed', event.n);
  if (event.unfinished) process.stdout.write('no newline');
};
`;

let dir: string;
let spec: LambdaFunctionSpec;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-'));
  fs.writeFileSync(path.join(dir, 'index.js'), HANDLER);
  spec = {
    logicalId: 'Fn',
    functionName: 'fn',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    runtime: 'nodejs24.x',
    file: path.join(dir, 'index.js'),
    exportName: 'handler',
    timeoutSeconds: 10,
    memoryMb: 128,
    environment: {},
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

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

test('in the text format, lines are what the handler wrote', async () => {
  const lambda = new LocalLambda(spec);
  try {
    const { logs } = await lambda.invoke({ n: 3 });
    // stdout and stderr are read apart: their lines may interleave either way.
    expect([...logs].sort()).toEqual(['failed 3', "{ audit: 'x', n: 3 }"]);
  } finally {
    await lambda.stop();
  }
});

test("the context names the function's ARN, as Lambda's does for CloudFormation's invocation; or a version's or alias's", async () => {
  const lambda = new LocalLambda(spec, { logFormat: 'JSON' });
  try {
    const arnOf = async (qualifier?: string) =>
      JSON.parse((await lambda.invoke({ context: true }, { qualifier })).logs[0]).message.invokedFunctionArn;
    expect(await arnOf()).toBe('arn:aws:lambda:us-east-1:123456789012:function:fn');
    expect(await arnOf('live')).toBe('arn:aws:lambda:us-east-1:123456789012:function:fn:live');
    expect(await arnOf('$LATEST')).toBe('arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST');
  } finally {
    await lambda.stop();
  }
});
