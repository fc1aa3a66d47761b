/**
 * Runs a Lambda function's handler file the way Lambda would: in a process of its own (a container), with only the
 * function's environment plus the variables Lambda sets, a context whose deadline is the function's timeout, and
 * the container killed if the handler overruns it. Invocations reuse the process (a warm container) until it dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { LambdaFunctionSpec } from './cloud-assembly';
import { nodeForRuntime, type LambdaNode } from './lambda-node';

/** The in-container side: loads the handler once, then runs each event it is sent. */
const CONTAINER_SOURCE = `
const fn = require(process.env.LOCAL_LAMBDA_FILE)[process.env.LOCAL_LAMBDA_EXPORT];
if (typeof fn !== 'function') { console.error('handler export not found: ' + process.env.LOCAL_LAMBDA_EXPORT); process.exit(1); }
process.on('message', async ({ id, event, deadline }) => {
  const context = {
    awsRequestId: id,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    logStreamName: 'local/[$LATEST]' + id.slice(0, 8),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try { await fn(event, context); process.send({ id, ok: true }); }
  catch (error) { process.send({ id, ok: false, error: String((error && error.message) || error) }); }
});
process.send({ ready: true, node: process.versions.node });
`;

export interface LocalLambdaOptions {
  /** Variables added to the function's own (credentials, endpoint overrides), as Lambda adds its own. */
  readonly extraEnvironment?: Record<string, string>;
  /** Receives the container's stdout and stderr lines (its logs). @default kept in `logs` only */
  readonly onLog?: (line: string) => void;
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
}

export class LocalLambda {
  /** Every log line of every container, in order. */
  readonly logs: string[] = [];
  /** The Node.js the containers run: the runtime's major version when one can be had. */
  readonly node: LambdaNode;
  private container?: ChildProcess;
  private ready?: Promise<void>;
  private containerNode = '';

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
    this.logs.push(line);
    this.options.onLog?.(line);
  }

  /** Invokes the handler with `event`, as an asynchronous invocation from CloudFormation would. */
  async invoke(event: unknown): Promise<InvocationResult> {
    const coldStart = !this.container;
    const started = Date.now();
    if (!this.container) this.ready = this.start();
    await this.ready;
    const child = this.container!;
    const id = randomUUID();
    const delivered = Date.now();
    const deadline = delivered + this.spec.timeoutSeconds * 1000;
    return new Promise<InvocationResult>((resolve) => {
      const done = (result: Omit<InvocationResult, 'durationMs' | 'handlerMs' | 'coldStart' | 'nodeVersion'>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        const now = Date.now();
        resolve({ ...result, durationMs: now - started, handlerMs: now - delivered, coldStart, nodeVersion: this.containerNode });
      };
      const onMessage = (message: { id?: string; ok?: boolean; error?: string }) => {
        if (message.id === id) done({ ok: Boolean(message.ok), error: message.error });
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
      child.send({ id, event, deadline });
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
