/**
 * The imitation's in-container side: what AWS's Node.js runtime interface client (aws-lambda-ric 4) does with a
 * handler, restated where the real one cannot be built. test/testing/imitation-runtime.test.ts holds it to the real one.
 */
/** Written by the container on stdout and stderr when an invocation ends, so the runner knows all its output is in. */
export const END_MARK = '\u001elocal-lambda-end:';
/**
 * Loads the handler _HANDLER names from LAMBDA_TASK_ROOT once (Runtime.HandlerNotFound when the export is not a
 * function, Runtime.CallbackHandlerDeprecated for a callback handler on Node.js 24), then runs each event it is sent.
 * Console output is the client's at every level and format: under JSON one object per call, {timestamp, level,
 * requestId, message}, a lone argument as it is (an Error as errorType, errorMessage, stackTrace), several formatted
 * into a string with the first Error's fields beside it; as text, timestamp, request id, level and message, tab-separated.
 * Levels below AWS_LAMBDA_LOG_LEVEL are dropped. A thrown error is logged as "Invoke Error" and answered as
 * {errorType, errorMessage}; the context is the client's.
 */
export const IMITATION_SOURCE = `
const util = require('node:util');
// The runner's channel, out of the handler's sight (a Lambda function's process has none).
const send = process.send.bind(process);
// While a handler runs, only its own work keeps the process alive (as under the client, whose runtime API call is
// over by then): a promise that never settles on an empty event loop ends the process, as it ends Lambda's.
const channel = process.channel;
delete process.send;
const fs = require('node:fs');
const path = require('node:path');
const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
const least = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
let requestId;
const errorFields = (e) => ({
  errorType: (e && e.constructor && e.constructor.name) || 'UnknownError',
  errorMessage: e.message,
  stackTrace: typeof e.stack === 'string' ? e.stack.split('\\n') : e.stack,
});
const replacer = (_, v) => (v instanceof Error ? Object.assign(errorFields(v), v) : v);
const format = (level, message, params) => {
  const timestamp = new Date().toISOString();
  const id = requestId || '-';
  if (!json) return [timestamp, id, level, util.format(message, ...params)].join('\\t');
  const record = { timestamp, level, requestId: id };
  if (params.length === 0) {
    record.message = message;
    try { return JSON.stringify(record, replacer); } catch { record.message = util.format(record.message); return JSON.stringify(record); }
  }
  record.message = util.format(message, ...params);
  const error = params.find((p) => p instanceof Error);
  return JSON.stringify(error ? Object.assign(record, errorFields(error)) : record);
};
for (const [method, level] of [['trace', 'TRACE'], ['debug', 'DEBUG'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['fatal', 'FATAL']]) {
  console[method] = LEVELS[level] < least ? () => {} : (message, ...params) => process.stdout.write(format(level, message, params).replace(/\\n/g, '\\r') + '\\n');
}
console.log = console.info;
const logError = (title, error) => {
  const e = error instanceof Error ? error : new Error(String(error));
  if (json) return console.error(e);
  const fields = Object.assign({ errorType: e.name, errorMessage: e.message, code: e.code }, e);
  if (typeof e.stack === 'string') fields.stack = e.stack.split('\\n');
  console.error(title, '\\t' + JSON.stringify(fields));
};
const answer = (error) =>
  error instanceof Error ? { errorType: error.name, errorMessage: error.message } : { errorType: typeof error, errorMessage: String(error) };
class HandlerNotFoundError extends Error { constructor(m) { super(m); this.name = 'Runtime.HandlerNotFound'; } }
class ImportModuleError extends Error { constructor(e) { super(String(e)); this.name = 'Runtime.ImportModuleError'; } }
class UserCodeSyntaxError extends Error { constructor(e) { super(String(e)); this.name = 'Runtime.UserCodeSyntaxError'; this.stack = e.stack; } }
class CallbackHandlerDeprecatedError extends Error { constructor(m) { super(m); this.name = 'Runtime.CallbackHandlerDeprecated'; } }
const load = () => {
  const handlerString = process.env._HANDLER;
  const root = process.env.LAMBDA_TASK_ROOT;
  const base = path.basename(handlerString);
  const [, moduleName, handlerName] = /^([^.]*)\\.(.*)$/.exec(base);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const file = path.resolve(root, moduleRoot, moduleName);
  let exported;
  try {
    const found = ['', '.js', '.mjs', '.cjs'].map((ext) => file + ext).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    exported = require(found || require.resolve(moduleName, { paths: [root, path.join(root, moduleRoot)] }));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    throw error && error.code === 'MODULE_NOT_FOUND' ? new ImportModuleError(error) : error;
  }
  const lookup = (from) => handlerName.split('.').reduce((o, key) => (o && typeof o === 'object' ? o[key] : undefined), from);
  const found = lookup(exported) || lookup(exported.default);
  if (!found) throw new HandlerNotFoundError(handlerString + ' is undefined or not exported');
  if (typeof found !== 'function') throw new HandlerNotFoundError(handlerString + ' is not a function');
  if (found.length >= 3) throw new CallbackHandlerDeprecatedError('ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
  return found;
};
let fn;
try {
  fn = load();
} catch (error) {
  logError('Init Error', error);
  // Then, as the client does, the error goes on unhandled: Node.js prints it and the process ends with status 1.
  send({ initError: answer(error) }, () => Promise.reject(error));
}
if (fn) process.on('message', async ({ id, event, deadline, invokedFunctionArn }) => {
  channel.unref();
  requestId = id;
  const context = {
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn,
    awsRequestId: id,
    tenantId: undefined,
    xRayTraceId: '',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
  let result;
  try { await fn(event, context); result = { id, ok: true }; }
  catch (error) { logError('Invoke Error', error); result = { id, ok: false, ...answer(error) }; }
  process.stdout.write('${END_MARK}' + id + '\\n');
  process.stderr.write('${END_MARK}' + id + '\\n');
  channel.ref();
  send(result);
});
if (fn) send({ ready: true });
`;
