/**
 * A Lambda container made of AWS's own pieces: the Lambda Runtime Interface Emulator (runtime API, invoke API, timeout,
 * resets) running the Node.js Runtime Interface Client (aws-lambda-ric) on the runtime's Node.js, with the function's
 * configuration. One emulator per container, on ports of its own, reused while warm as Lambda reuses an environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { LambdaFunctionSpec } from './cloud-assembly';
import { handlerLocation, lambdaEnvironment, readLines, type LambdaContainer } from './lambda-environment';
import { nodeForRuntime, type LambdaNode } from './lambda-node';
import { describeLambdaRuntime, type LambdaRuntimePieces } from './lambda-runtime';
import type { InvocationResult, LocalLambdaOptions } from './local-lambda';
import { RuntimeApiRelay } from './runtime-api-relay';

export interface RuntimeEmulatorOptions extends LocalLambdaOptions {
  /** The emulator and client to run. */
  readonly pieces: LambdaRuntimePieces;
}

/** The emulator's own lines on stdout around each invocation (Lambda's platform lines), kept out of the function's logs. */
const START = /^START RequestId: (\S+) Version: /;
const END = /^END RequestId: \S+$/;
const REPORT = /^REPORT RequestId: (\S+)\t(?:.*?\t)?Duration: ([\d.]+) ms/;
const TIMED_OUT = /^Task timed out after [\d.]+ seconds$/;

/** Emulators still running, stopped with this process whatever happens (each leads a process group of its own). */
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve) => {
          const server = net.createServer().listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

interface Current {
  readonly id: string;
  readonly lines: string[];
  startedAt?: number;
  reportMs?: number;
  reported?: () => void;
}

export class RuntimeEmulatorLambda implements LambdaContainer {
  /** Every log line the function wrote, in order, across containers. */
  readonly logs: string[] = [];
  /** The emulator's own log (its stderr: init, resets, kills), for when something goes wrong. */
  readonly emulatorLog: string[] = [];
  readonly node: LambdaNode;
  readonly runtime: string;
  private rie?: ChildProcess;
  private relay?: RuntimeApiRelay;
  private invokePort = 0;
  private ready?: Promise<void>;
  /** Whether the runtime is up and loaded (the emulator starts it again after a timeout or a crash). */
  private warm = false;
  private current?: Current;

  constructor(
    readonly spec: LambdaFunctionSpec,
    private readonly options: RuntimeEmulatorOptions,
  ) {
    this.node = options.node ?? nodeForRuntime(spec.runtime);
    this.runtime = describeLambdaRuntime(options.pieces);
  }

  private async start(attempt = 1): Promise<void> {
    const { spec, options } = this;
    const relay = this.relay ?? (this.relay = await RuntimeApiRelay.start());
    const [apiPort, invokePort] = await freePorts(2);
    relay.upstream = apiPort;
    this.invokePort = invokePort;
    const { taskRoot, handler } = handlerLocation(spec);
    const env = { ...lambdaEnvironment(spec, options, taskRoot), AWS_LAMBDA_FUNCTION_TIMEOUT: String(spec.timeoutSeconds) };
    // The bootstrap: the client on the runtime's Node.js, calling the runtime API through the relay; the handler last.
    const bootstrap = ['/usr/bin/env', `AWS_LAMBDA_RUNTIME_API=${relay.address}`, this.node.path, options.pieces.ricEntry, handler];
    const addresses = ['--runtime-api-address', `127.0.0.1:${apiPort}`, '--runtime-interface-emulator-address', `127.0.0.1:${invokePort}`];
    // Its own log level on the command line: the function's environment may hold a LOG_LEVEL the emulator would read.
    const rie = spawn(options.pieces.rie, ['--log-level', 'info', ...addresses, ...bootstrap], {
      cwd: taskRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.rie = rie;
    if (rie.pid !== undefined) running.add(rie.pid);
    readLines(rie.stdout!, (line) => this.onStdout(line));
    readLines(rie.stderr!, (line) => this.emulatorLog.push(line));
    let gone = false;
    const exited = new Promise<void>((resolve) => {
      rie.once('exit', () => resolve());
      // A binary that cannot be run (not executable, gone) never starts, so it never exits either.
      rie.once('error', (error) => {
        this.emulatorLog.push(`${options.pieces.rie} could not be run: ${error.message}`);
        resolve();
      });
    });
    void exited.then(() => {
      gone = true;
      if (rie.pid !== undefined) running.delete(rie.pid);
      if (this.rie === rie) [this.rie, this.warm, this.ready] = [undefined, false, undefined];
    });
    // Listening once its invoke API takes a connection; a port taken meanwhile by another process means another try.
    const listening = (async () => {
      for (const started = Date.now(); !gone && Date.now() - started < 10_000; await new Promise((r) => setTimeout(r, 25))) {
        const ok = await new Promise<boolean>((resolve) => {
          const socket = net.connect(invokePort, '127.0.0.1', () => (socket.end(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
        if (ok) return true;
      }
      return false;
    })();
    const result = await Promise.race([listening, exited.then(() => 'exited' as const)]);
    if (result === true) return;
    await this.kill();
    if (attempt < 3) return this.start(attempt + 1);
    throw new Error(
      `${spec.functionName}: the Runtime Interface Emulator did not start after ${attempt} tries: ${this.emulatorLog.slice(-3).join(' | ')}`,
    );
  }

  private onStdout(line: string): void {
    const current = this.current;
    const start = START.exec(line);
    if (start) {
      if (current?.id === start[1]) current.startedAt = Date.now();
      return;
    }
    if (END.test(line)) return;
    const report = REPORT.exec(line);
    if (report) {
      if (current?.id === report[1]) {
        current.reportMs = Number(report[2]);
        current.reported?.();
      }
      return;
    }
    this.logs.push(line);
    current?.lines.push(line);
    this.options.onLog?.(line);
  }

  /** Invokes the handler as CloudFormation's asynchronous invocation would, by the function's ARN or a qualified one. */
  async invoke(event: unknown, options: { readonly qualifier?: string } = {}): Promise<InvocationResult> {
    const started = Date.now();
    const coldStart = !this.rie || !this.warm;
    // One start at a time, whoever asks; a start that failed is tried again by the next invocation.
    this.ready ??= this.start().finally(() => {
      if (!this.rie) this.ready = undefined;
    });
    await this.ready;
    const id = randomUUID();
    const current: Current = { id, lines: [] };
    this.current = current;
    const relay = this.relay!;
    relay.arns.set(id, options.qualifier === undefined ? this.spec.arn : `${this.spec.arn}:${options.qualifier}`);
    const delivered = Date.now();
    // The emulator stops the handler at the timeout; this bound is only for an emulator that stopped answering.
    const { status, body } = await this.post(id, JSON.stringify(event), (this.spec.timeoutSeconds + 60) * 1000);
    // Every line the function wrote is in once the emulator's report of the invocation is; a runtime that died gets none.
    await new Promise<void>((resolve) => {
      if (current.reportMs !== undefined) return resolve();
      current.reported = resolve;
      setTimeout(resolve, status === 200 ? 2000 : 50);
    });
    const answer = relay.answers.get(id);
    const outcome = this.outcome(status, body, answer);
    this.warm = outcome.ok || answer === 'error';
    this.current = undefined;
    relay.arns.delete(id);
    relay.answers.delete(id);
    const now = Date.now();
    return {
      ...outcome,
      requestId: id,
      durationMs: now - started,
      handlerMs: current.reportMs ?? now - (current.startedAt ?? delivered),
      coldStart,
      nodeVersion: this.node.version,
      logs: current.lines,
    };
  }

  private outcome(
    status: number,
    body: string,
    answer: 'response' | 'error' | undefined,
  ): Pick<InvocationResult, 'ok' | 'error' | 'errorType'> {
    if (status === 200 && answer === 'response') return { ok: true };
    if (status === 200 && answer === undefined && TIMED_OUT.test(body)) return { ok: false, error: body };
    try {
      const parsed = JSON.parse(body);
      if (typeof parsed.errorMessage === 'string') return { ok: false, errorType: parsed.errorType, error: parsed.errorMessage };
    } catch {
      // Not the runtime's JSON: said as the emulator answered.
    }
    return { ok: false, error: `the emulator answered HTTP ${status}: ${body || '(empty)'}` };
  }

  private post(id: string, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.invokePort,
          method: 'POST',
          path: '/2015-03-31/functions/function/invocations',
          headers: { 'Content-Type': 'application/json', 'X-Amzn-RequestId': id },
          agent: false,
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('error', (error) => resolve({ status: 0, body: `the emulator's answer broke off (${error.message})` }));
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
      request.on('error', (error) => {
        void this.kill().then(() => (this.ready = undefined));
        resolve({ status: 0, body: `the emulator did not answer (${error.message})` });
      });
      request.end(body);
    });
  }

  private async kill(): Promise<void> {
    const rie = this.rie;
    if (!rie || rie.pid === undefined) return void (this.rie = undefined);
    [this.rie, this.warm] = [undefined, false];
    if (rie.exitCode !== null || rie.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => rie.once('exit', () => resolve()));
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-rie.pid!, name);
      } catch {
        // Gone already.
      }
    };
    signal('SIGTERM');
    // The emulator gives its runtime 2 s to stop; past that, more than its own grace, it is killed.
    const forced = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(forced);
  }

  /** Stops the container (a cold start follows on the next invocation). */
  async stop(): Promise<void> {
    await this.kill();
    this.ready = undefined;
    await this.relay?.close();
    this.relay = undefined;
  }
}
