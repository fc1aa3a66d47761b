/**
 * Runs a Lambda function's handler file as Lambda would: in a process of its own (a container, reused while warm), with
 * the function's environment and Lambda's variables, a deadline of its timeout, killed if the handler overruns it.
 */ import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { LambdaFunctionSpec } from './cloud-assembly';
import { nodeForRuntime, type LambdaNode } from './lambda-node';

/** Written by the container on stdout and stderr when an invocation ends, so the runner knows all its output is in. */
const END_MARK = '\u001elocal-lambda-end:';

/**
 * The in-container side: loads the handler once, then runs each event it is sent. Under the JSON log format it writes
 * console output as Lambda's Node.js runtime does: one JSON object per call, {timestamp, level, requestId, message},
 * where a lone argument becomes `message` as it is (an object stays an object) and several are formatted into a string.
 */
const CONTAINER_SOURCE = `
const util = require('node:util');
let requestId;
if ((process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON') {
  const write = (level) => (message, ...params) => {
    const record = { timestamp: new Date().toISOString(), level, requestId };
    let line;
    if (params.length === 0) {
      record.message = message;
      try { line = JSON.stringify(record); } catch { record.message = util.format(message); line = JSON.stringify(record); }
    } else {
      record.message = util.format(message, ...params);
      line = JSON.stringify(record);
    }
    process.stdout.write(line.replace(/\\n/g, '\\r') + '\\n');
  };
  console.log = console.info = write('INFO');
  console.debug = write('DEBUG');
  console.warn = write('WARN');
  console.error = write('ERROR');
}
const fn = require(process.env.LOCAL_LAMBDA_FILE)[process.env.LOCAL_LAMBDA_EXPORT];
if (typeof fn !== 'function') { console.error('handler export not found: ' + process.env.LOCAL_LAMBDA_EXPORT); process.exit(1); }
process.on('message', async ({ id, event, deadline, invokedFunctionArn }) => {
  requestId = id;
  const context = {
    awsRequestId: id,
    invokedFunctionArn,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    logStreamName: 'local/[$LATEST]' + id.slice(0, 8),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let result;
  try { await fn(event, context); result = { id, ok: true }; }
  catch (error) { result = { id, ok: false, error: String((error && error.message) || error) }; }
  process.stdout.write('${END_MARK}' + id + '\\n');
  process.stderr.write('${END_MARK}' + id + '\\n');
  process.send(result);
});
process.send({ ready: true, node: process.versions.node });
`;

export interface LocalLambdaOptions {
  /** Variables added to the function's own (credentials, endpoint overrides), as Lambda adds its own. */
  readonly extraEnvironment?: Record<string, string>;
  /** Receives the container's stdout and stderr lines (its logs). @default kept in `logs` only */
  readonly onLog?: (line: string) => void;
  /**
   * The function's log format (its LoggingConfig.LogFormat): under JSON, console output is written as Lambda's Node.js
   * runtime writes it, and AWS_LAMBDA_LOG_FORMAT is JSON, as Lambda sets it. @default Text (lines as the handler writes them)
   */
  readonly logFormat?: 'Text' | 'JSON';
  /** The Node.js to run the handler with. @default the one the template's runtime names (see lambda-node.ts) */
  readonly node?: LambdaNode;
}

export interface InvocationResult {
  /** false when the handler threw or the container was killed at the timeout. */
  readonly ok: boolean;
  readonly error?: string;
  readonly durationMs: number;
  /** From the event's delivery to the handler's end: what the function's timeout bounds (no container start). */
  readonly handlerMs: number;
  /** Whether this invocation started a new container. */
  readonly coldStart: boolean;
  /** The Node.js version the container reported when it started. */
  readonly nodeVersion: string;
  /** The log lines of this invocation (all of them, unless the container was killed or died). */
  readonly logs: readonly string[];
}

export class LocalLambda {
  /** Every log line of every container, in order. */
  readonly logs: string[] = [];
  /** The Node.js the containers run: the runtime's major version when one can be had. */
  readonly node: LambdaNode;
  private container?: ChildProcess;
  private ready?: Promise<void>;
  private containerNode = '';
  /** The invocation under way: how many of its end marks (one per stream) have arrived. */
  private current?: { readonly id: string; ends: number; readonly ended: () => void };

  constructor(
    readonly spec: LambdaFunctionSpec,
    private readonly options: LocalLambdaOptions = {},
  ) {
    this.node = options.node ?? nodeForRuntime(spec.runtime);
  }

  private start(): Promise<void> {
    const { spec } = this;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      ...(this.options.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON' } : {}),
      ...spec.environment,
      ...this.options.extraEnvironment,
      LOCAL_LAMBDA_FILE: spec.file,
      LOCAL_LAMBDA_EXPORT: spec.exportName,
    };
    const child = spawn(this.node.path, ['-e', CONTAINER_SOURCE], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.container = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) this.log(line);
      });
    }
    child.on('exit', () => {
      if (this.container === child) this.container = undefined;
    });
    return new Promise((resolve, reject) => {
      child.once('message', (message: { node?: string }) => {
        this.containerNode = message.node ?? '';
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`${spec.functionName}: the container exited (${code}) before the handler loaded`)));
    });
  }

  private log(line: string): void {
    // The mark ends a line of its own, or one the handler left unfinished.
    const mark = line.indexOf(END_MARK);
    const text = mark === -1 ? line : line.slice(0, mark);
    if (mark === -1 || text !== '') {
      this.logs.push(text);
      this.options.onLog?.(text);
    }
    if (mark !== -1 && this.current?.id === line.slice(mark + END_MARK.length)) {
      this.current.ends++;
      this.current.ended();
    }
  }

  /**
   * Invokes the handler with `event`, as an asynchronous invocation from CloudFormation would: by the function's own ARN
   * (the ServiceToken), which the context carries as invokedFunctionArn, or through a version or alias (`qualifier`).
   */
  async invoke(event: unknown, options: { readonly qualifier?: string } = {}): Promise<InvocationResult> {
    const coldStart = !this.container;
    const started = Date.now();
    if (!this.container) this.ready = this.start();
    await this.ready;
    const child = this.container!;
    const id = randomUUID();
    const delivered = Date.now();
    const deadline = delivered + this.spec.timeoutSeconds * 1000;
    const firstLine = this.logs.length;
    return new Promise<InvocationResult>((resolve) => {
      type Outcome = Pick<InvocationResult, 'ok' | 'error'>;
      let answered: Outcome | undefined;
      const done = (result: Outcome) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        this.current = undefined;
        const now = Date.now();
        resolve({
          ...result,
          durationMs: now - started,
          handlerMs: now - delivered,
          coldStart,
          nodeVersion: this.containerNode,
          logs: this.logs.slice(firstLine),
        });
      };
      // The handler's result, and the end marks of both streams: then every line of the invocation has arrived.
      const settle = () => {
        if (answered && this.current?.id === id && this.current.ends >= 2) done(answered);
      };
      this.current = { id, ends: 0, ended: settle };
      const onMessage = (message: { id?: string; ok?: boolean; error?: string }) => {
        if (message.id !== id) return;
        answered = { ok: Boolean(message.ok), error: message.error };
        settle();
      };
      const onExit = (code: number | null) => done({ ok: false, error: `the container exited (${code}) during the invocation` });
      // Like Lambda: past the timeout the container is stopped, whatever the handler was doing.
      const timer = setTimeout(
        () => {
          child.kill('SIGKILL');
          done({ ok: false, error: `Task timed out after ${this.spec.timeoutSeconds} seconds` });
        },
        deadline - Date.now() + 50,
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      const invokedFunctionArn = options.qualifier === undefined ? this.spec.arn : `${this.spec.arn}:${options.qualifier}`;
      child.send({ id, event, deadline, invokedFunctionArn });
    });
  }

  /** Stops the container (a cold start follows on the next invocation). */
  async stop(): Promise<void> {
    const child = this.container;
    if (!child) return;
    this.container = undefined;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill();
    });
  }
}
