/**
 * Both kinds of local Lambda container for one handler file: the imitation always, and AWS's Runtime Interface Emulator
 * with aws-lambda-ric where they are built here (npm run build:lambda-runtime). A test that runs in each holds the
 * imitation to the real runtime.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LambdaFunctionSpec } from '../../testing/cloud-assembly';
import type { LambdaContainer } from '../../testing/lambda-environment';
import { findLambdaRuntime } from '../../testing/lambda-runtime';
import { LocalLambda, type LocalLambdaOptions } from '../../testing/local-lambda';
import { RuntimeEmulatorLambda } from '../../testing/runtime-emulator';

export type ContainerKind = 'imitation' | 'emulator';

/** AWS's pieces when built here (FINSPACE_LOCAL_LAMBDA_RUNTIME=emulator, as CI runs, makes their absence a failure). */
export const AWS_RUNTIME = findLambdaRuntime({ ...process.env, FINSPACE_LOCAL_LAMBDA_RUNTIME: '' });

/** What the local runner picks here, under this environment (FINSPACE_LOCAL_LAMBDA_RUNTIME included). */
export const RUNNER_RUNTIME = findLambdaRuntime();

/** The kinds to run a test in: both where AWS's pieces are here, else the imitation alone. */
export const CONTAINER_KINDS: ContainerKind[] = AWS_RUNTIME.pieces ? ['imitation', 'emulator'] : ['imitation'];

export function newContainer(kind: ContainerKind, spec: LambdaFunctionSpec, options: LocalLambdaOptions = {}): LambdaContainer {
  return kind === 'emulator'
    ? new RuntimeEmulatorLambda(spec, { ...options, pieces: AWS_RUNTIME.pieces! })
    : new LocalLambda(spec, options);
}

/** A folder holding `index.js` with `source`, and a spec for its `exportName`; removed by the returned `remove`. */
export function handlerFolder(source: string): { spec: (changes?: Partial<LambdaFunctionSpec>) => LambdaFunctionSpec; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-container-'));
  fs.writeFileSync(path.join(dir, 'index.js'), source);
  return {
    spec: (changes = {}) => ({
      logicalId: 'Fn',
      functionName: 'fn',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      runtime: 'nodejs24.x',
      file: path.join(dir, 'index.js'),
      exportName: 'handler',
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      environment: {},
      ...changes,
    }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
