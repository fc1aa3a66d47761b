/**
 * The imitation of Lambda's Node.js runtime, for machines where AWS's own (runtime-emulator.ts) cannot be built: a
 * process of its own per container, with Lambda's environment, the client's console, context and errors
 * (imitation-runtime.ts), killed at the function's timeout, reused while warm.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { LambdaFunctionSpec } from './cloud-assembly';
import { END_MARK, IMITATION_SOURCE } from './imitation-runtime';
import { handlerLocation, lambdaEnvironment, readLines, type LambdaContainer } from './lambda-environment';
import { nodeForRuntime, type LambdaNode } from './lambda-node';

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
  /** false when the handler threw, the runtime could not load it, or the container died or was stopped at the timeout. */
  readonly ok: boolean;
  /** The runtime's words: the error's message, "Task timed out after 3.00 seconds", "RequestId: … Error: Runtime exited …". */
  readonly error?: string;
  /** The error's type as the runtime answers it: the thrown error's name, Runtime.HandlerNotFound, Runtime.ExitError. */
  readonly errorType?: string;
  /** The invocation's request id (the context's awsRequestId, when the handler runs). */
  readonly requestId: string;
  readonly durationMs: number;
  /** From the event's delivery to the handler's end: what the function's timeout bounds (no container start). */
  readonly handlerMs: number;
  /** Whether this invocation started a new container. */
  readonly coldStart: boolean;
  /** The Node.js version the container runs. */
  readonly nodeVersion: string;
  /** The log lines of this invocation (all of them, unless the container was killed or died). */
  readonly logs: readonly string[];
}

type Outcome = Pick<InvocationResult, 'ok' | 'error' | 'errorType'>;
type ContainerMessage = {
  readonly initError?: { readonly errorType: string; readonly errorMessage: string };
  readonly id?: string;
  readonly ok?: boolean;
  readonly errorType?: string;
  readonly errorMessage?: string;
};

/** What Lambda's runtime reports when the function's process ends during an invocation (Go's words for the exit). */
export function exitError(
  requestId: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): Pick<InvocationResult, 'error' | 'errorType'> {
  const words: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGABRT: 'aborted',
    SIGSEGV: 'segmentation fault',
  };
  // A process that ends by itself with status 0 (process.exit(0), or nothing left to wait for) gives Lambda no reason.
  if (!signal && code === 0)
    return { errorType: 'Runtime.ExitError', error: `RequestId: ${requestId} Error: Runtime exited without providing a reason` };
  const status = signal ? `signal: ${words[signal] ?? signal}` : `exit status ${code}`;
  return { errorType: 'Runtime.ExitError', error: `RequestId: ${requestId} Error: Runtime exited with error: ${status}` };
}

/** What Lambda answers when the function overruns its timeout. */
export const timedOut = (seconds: number): string => `Task timed out after ${seconds.toFixed(2)} seconds`;

export class LocalLambda implements LambdaContainer {
  /** Every log line of every container, in order. */
  readonly logs: string[] = [];
  /** The Node.js the containers run: the runtime's major version when one can be had. */
  readonly node: LambdaNode;
  readonly runtime = "the imitation of Lambda's Node.js runtime (testing/local-lambda.ts)";
  private container?: ChildProcess;
  /** The container's start: undefined when it loaded the handler, else the runtime's init error. */
  private ready?: Promise<Outcome | undefined>;
  /** The invocation under way: how many of its end marks (one per stream) have arrived. */
  private current?: { readonly id: string; ends: number; readonly ended: () => void };

  constructor(
    readonly spec: LambdaFunctionSpec,
    private readonly options: LocalLambdaOptions = {},
  ) {
    this.node = options.node ?? nodeForRuntime(spec.runtime);
  }

  private start(): Promise<Outcome | undefined> {
    const { taskRoot, handler } = handlerLocation(this.spec);
    const env = { ...lambdaEnvironment(this.spec, this.options, taskRoot), _HANDLER: handler };
    const child = spawn(this.node.path, ['-e', IMITATION_SOURCE], { cwd: taskRoot, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.container = child;
    for (const stream of [child.stdout!, child.stderr!]) readLines(stream, (line) => this.log(line));
    child.on('exit', () => {
      if (this.container === child) this.container = undefined;
    });
    return new Promise((resolve) => {
      let failed: Outcome | undefined;
      child.once('message', (message: ContainerMessage) => {
        if (!message.initError) return resolve(undefined);
        failed = { ok: false, errorType: message.initError.errorType, error: message.initError.errorMessage };
      });
      // Once its output is all in: the init error it reported, or how it ended.
      child.once('close', (code, signal) => resolve(failed ?? { ok: false, ...exitError('-', code, signal) }));
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
    const id = randomUUID();
    const firstInitLine = this.logs.length;
    if (!this.container) this.ready = this.start();
    const initFailed = await this.ready;
    const child = this.container;
    if (initFailed || !child) {
      // As Lambda: the runtime could not load the handler, so the invocation fails and the next one starts afresh.
      const now = Date.now();
      const outcome: Outcome = initFailed ?? { ok: false, ...exitError('-', 1, null) };
      const logs = this.logs.slice(firstInitLine);
      return { ...outcome, requestId: id, durationMs: now - started, handlerMs: 0, coldStart, nodeVersion: this.node.version, logs };
    }
    const delivered = Date.now();
    const deadline = delivered + this.spec.timeoutSeconds * 1000;
    const firstLine = this.logs.length;
    return new Promise((resolve) => {
      let answered: Outcome | undefined;
      const done = (result: Outcome) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('close', onExit);
        this.current = undefined;
        const now = Date.now();
        resolve({
          ...result,
          requestId: id,
          durationMs: now - started,
          handlerMs: now - delivered,
          coldStart,
          nodeVersion: this.node.version,
          logs: this.logs.slice(firstLine),
        });
      };
      // The handler's result, and the end marks of both streams: then every line of the invocation has arrived.
      const settle = () => {
        if (answered && this.current?.id === id && this.current.ends >= 2) done(answered);
      };
      this.current = { id, ends: 0, ended: settle };
      const onMessage = (message: ContainerMessage) => {
        if (message.id !== id) return;
        answered = message.ok ? { ok: true } : { ok: false, errorType: message.errorType, error: message.errorMessage };
        settle();
      };
      // The process ended (process.exit, an unhandled rejection, a crash), and what it wrote is all in.
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => done({ ok: false, ...exitError(id, code, signal) });
      // Like Lambda: past the timeout the container is stopped, whatever the handler was doing.
      const timer = setTimeout(
        () => {
          child.off('close', onExit);
          child.kill('SIGKILL');
          if (this.container === child) this.container = undefined;
          done({ ok: false, error: timedOut(this.spec.timeoutSeconds) });
        },
        deadline - Date.now() + 50,
      );
      child.on('message', onMessage);
      child.once('close', onExit);
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
