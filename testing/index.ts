/**
 * Test support for stacks that use FinSpaceUserSettings: a FinSpace Data emulator, a stand-in for CloudFormation's
 * ResponseURL, and a runner that applies a synthesized app's settings against them, with no AWS account, the handler
 * running under AWS's Lambda runtime interface emulator and client where they are built, else under an imitation.
 */
export { FinSpaceEmulator } from './finspace-emulator';
export type {
  EmulatedOperation,
  EmulatedUser,
  Fault,
  FinSpaceEmulatorOptions,
  RateLimit,
  RequestRecord,
  RoleCredentials,
} from './finspace-emulator';
export { ResponseReceiver } from './response-receiver';
export type { ReceivedPut, ReceivedResponse } from './response-receiver';
export { flippedSettings, LocalDeployment, LOCAL_ADMIN_USER_ID } from './local-deployment';
export type { LocalDeploymentOptions } from './local-deployment';
export { AUDIT_MARK, auditRecords } from './cloudformation-request';
export type { AuditRecord, StepKind, StepRecord } from './cloudformation-request';
export { formatAudit, formatSteps } from './report';
export { describeLambdaNode, nodeForRuntime } from './lambda-node';
export type { LambdaNode } from './lambda-node';
export { LocalLambda } from './local-lambda';
export type { InvocationResult, LocalLambdaOptions } from './local-lambda';
export { RuntimeEmulatorLambda } from './runtime-emulator';
export type { RuntimeEmulatorOptions } from './runtime-emulator';
export { createLambdaContainer, lambdaRuntimeMode } from './lambda-container';
export type { LambdaContainerOptions, LambdaRuntimeMode } from './lambda-container';
export type { LambdaContainer } from './lambda-environment';
export { describeLambdaRuntime, findLambdaRuntime, prepareLambdaRuntime } from './lambda-runtime';
export type { LambdaRuntimeChoice, LambdaRuntimePieces } from './lambda-runtime';
export { LOCAL_TARGET } from './cloud-assembly';
export type { DeployTarget, LambdaFunctionSpec } from './cloud-assembly';
