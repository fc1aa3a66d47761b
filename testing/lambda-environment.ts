/**
 * What both kinds of local container share: the environment Lambda gives a function's process, and the container's
 * interface (the imitation in local-lambda.ts, AWS's emulator and runtime client in runtime-emulator.ts).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { LambdaFunctionSpec } from './cloud-assembly';
import type { LambdaNode } from './lambda-node';
import type { InvocationResult } from './local-lambda';

/** A Lambda execution environment run locally: one function, invoked one event at a time, reused while warm. */
export interface LambdaContainer {
  readonly spec: LambdaFunctionSpec;
  /** Every log line the function wrote (its stdout and stderr), in order, across containers. */
  readonly logs: readonly string[];
  /** The Node.js the function runs on. */
  readonly node: LambdaNode;
  /** What runs the handler: AWS's runtime interface emulator and client (with their versions), or the imitation. */
  readonly runtime: string;
  invoke(event: unknown, options?: { readonly qualifier?: string }): Promise<InvocationResult>;
  /** Stops the container (a cold start follows on the next invocation). */
  stop(): Promise<void>;
}

/** A log stream name as Lambda gives each execution environment: date/[version]32 hex digits. */
export function logStreamName(now = new Date()): string {
  return `${now.toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The function's environment as Lambda sets it for the process: the reserved variables, the function's own, then the
 * runner's (credentials, endpoint overrides). Under the JSON log format, the application log level is
 * AWS_LAMBDA_LOG_LEVEL (Lambda applies it with JSON only).
 */
export function lambdaEnvironment(
  spec: LambdaFunctionSpec,
  options: { readonly logFormat?: 'Text' | 'JSON'; readonly extraEnvironment?: Record<string, string> },
  taskRoot: string,
): Record<string, string> {
  const json = options.logFormat === 'JSON';
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName ?? `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    ...(json ? { AWS_LAMBDA_LOG_FORMAT: 'JSON' } : {}),
    ...(json && spec.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: spec.applicationLogLevel } : {}),
    ...spec.environment,
    ...options.extraEnvironment,
  };
}

/** Where Lambda finds the handler: the code's folder (LAMBDA_TASK_ROOT) and the handler string (_HANDLER). */
export function handlerLocation(spec: LambdaFunctionSpec): { readonly taskRoot: string; readonly handler: string } {
  const module = spec.handler ? spec.handler.slice(0, spec.handler.lastIndexOf('.')) : path.basename(spec.file, '.js');
  const taskRoot = spec.file.slice(0, spec.file.length - path.normalize(`${module}.js`).length - 1);
  return { taskRoot, handler: `${module}.${spec.exportName}` };
}

/** Calls `onLine` with each line a container writes on `stream`, as it comes (an unfinished last line waits). */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
}
