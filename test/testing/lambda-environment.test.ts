/** The environment Lambda gives a function's process, and where it finds the handler. */
import { handlerLocation, lambdaEnvironment, logStreamName } from '../../testing/lambda-environment';
import { handlerFolder } from '../support/lambda-containers';

const folder = handlerFolder('');
afterAll(() => folder.remove());

test("Lambda's reserved variables, then the function's own, then the runner's; the log level only under JSON", () => {
  const spec = folder.spec({ environment: { MINE: '1', TZ: 'kept?' }, applicationLogLevel: 'WARN', logGroupName: '/custom/group' });
  const { taskRoot } = handlerLocation(spec);
  const json = lambdaEnvironment(spec, { logFormat: 'JSON', extraEnvironment: { AWS_REGION: 'us-east-1' } }, taskRoot);
  expect(json).toMatchObject({
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: 'fn',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: '/custom/group',
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: 'WARN',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    MINE: '1',
    TZ: 'kept?',
    AWS_REGION: 'us-east-1',
  });
  const text = lambdaEnvironment(folder.spec({ applicationLogLevel: 'WARN' }), {}, taskRoot);
  expect([text.AWS_LAMBDA_LOG_FORMAT, text.AWS_LAMBDA_LOG_LEVEL, text.AWS_LAMBDA_LOG_GROUP_NAME]).toEqual([
    undefined,
    undefined,
    '/aws/lambda/fn',
  ]);
});

test('the handler string is found from the code folder: a file in a subfolder keeps its path', () => {
  const spec = folder.spec({ handler: 'lib/app.main', exportName: 'main', file: '/code/lib/app.js' });
  expect(handlerLocation(spec)).toEqual({ taskRoot: '/code', handler: 'lib/app.main' });
  expect(handlerLocation({ ...spec, handler: undefined, file: '/code/index.js', exportName: 'handler' })).toEqual({
    taskRoot: '/code',
    handler: 'index.handler',
  });
});

test('a log stream name as Lambda makes one: the date, the version, 32 hex digits', () => {
  expect(logStreamName(new Date('2026-12-03T10:00:00Z'))).toMatch(/^2026\/12\/03\/\[\$LATEST\][0-9a-f]{32}$/);
});
