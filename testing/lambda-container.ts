/**
 * Which container runs a handler locally: AWS's runtime interface emulator and client when they are here
 * (lambda-runtime.ts), else the imitation, which says why. FINSPACE_LOCAL_LAMBDA_RUNTIME picks one (emulator, imitation).
 */
import type { LambdaFunctionSpec } from './cloud-assembly';
import type { LambdaContainer } from './lambda-environment';
import { findLambdaRuntime, type LambdaRuntimeChoice } from './lambda-runtime';
import { LocalLambda, type LocalLambdaOptions } from './local-lambda';
import { RuntimeEmulatorLambda } from './runtime-emulator';

export type LambdaRuntimeMode = 'emulator' | 'imitation';

export interface LambdaContainerOptions extends LocalLambdaOptions {
  /** @default FINSPACE_LOCAL_LAMBDA_RUNTIME, else the emulator when it is here and the imitation when not */
  readonly mode?: LambdaRuntimeMode;
  /** @default findLambdaRuntime() */
  readonly choice?: LambdaRuntimeChoice;
}

/** The mode containers get here, and why the imitation when it is the imitation. */
export function lambdaRuntimeMode(choice: LambdaRuntimeChoice = findLambdaRuntime()): LambdaRuntimeMode {
  return choice.pieces ? 'emulator' : 'imitation';
}

/** A container for the function: in `mode`, or the best one here. Asking for the emulator where it is not is an error. */
export function createLambdaContainer(spec: LambdaFunctionSpec, options: LambdaContainerOptions = {}): LambdaContainer {
  const asked = options.mode ?? process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME;
  if (asked === 'imitation') return new LocalLambda(spec, options);
  const choice =
    options.choice ?? findLambdaRuntime(asked === 'emulator' ? { ...process.env, FINSPACE_LOCAL_LAMBDA_RUNTIME: '' } : process.env);
  if (choice.pieces) return new RuntimeEmulatorLambda(spec, { ...options, pieces: choice.pieces });
  if (asked === 'emulator') throw new Error(`the runtime interface emulator was asked for, but ${choice.reason}`);
  return new LocalLambda(spec, options);
}
