/**
 * One request of CloudFormation to a custom resource's handler, as the local runner sends it: the event, the
 * invocation, and the answer PUT to the ResponseURL stand-in, recorded as a step with the handler's audit line.
 */
import { randomUUID } from 'node:crypto';
import { RESOURCE_TYPE } from '../lib/handler-contract';
import { stringifyScalars, type AssemblyStack, type IntrinsicResolver } from './cloud-assembly';
import type { EmulatedUser, FinSpaceEmulator } from './finspace-emulator';
import type { LambdaContainer } from './lambda-environment';
import type { ResponseReceiver } from './response-receiver';

export type StepKind = 'Create' | 'Update' | 'Delete' | 'Rollback' | 'Cleanup';

export interface StepRecord {
  readonly step: StepKind;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly stackName: string;
  readonly logicalId: string;
  readonly status: 'SUCCESS' | 'FAILED' | 'NO ANSWER';
  readonly physicalResourceId?: string;
  readonly reason?: string;
  readonly durationMs: number;
  readonly environmentId: string;
  readonly userId: string;
  /** The user as the emulator holds it after the step. */
  readonly user?: EmulatedUser;
  /** The Node.js version the handler ran on. */
  readonly nodeVersion: string;
  /** The audit lines the handler logged for the request (it logs exactly one), as their JSON objects. */
  readonly audit: readonly AuditRecord[];
}

/** One audit line of the handler: which stack and request, which user, what was sent to FinSpace, the outcome. */
export type AuditRecord = Record<string, unknown> & { readonly audit: typeof AUDIT_MARK };

/** The `audit` field of the handler's audit lines (lambda/audit.ts). */
export const AUDIT_MARK = 'FinSpaceUserSettings';

/** The audit records among log lines, whether the function logs JSON lines or in Lambda's JSON log format. */
export function auditRecords(lines: readonly string[]): AuditRecord[] {
  return lines.flatMap((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return [];
    }
    const outer = (parsed ?? {}) as { message?: unknown };
    // Under the JSON log format the handler's object is the line's `message`.
    const record = (outer.message !== null && typeof outer.message === 'object' ? outer.message : outer) as Record<string, unknown>;
    return record.audit === AUDIT_MARK ? [record as AuditRecord] : [];
  });
}

/** A custom resource as CloudFormation holds it. */
export interface ResourceState {
  readonly stack: AssemblyStack;
  readonly resolver: IntrinsicResolver;
  readonly logicalId: string;
  readonly functionLogicalId: string;
  /** DeletionPolicy Retain: CloudFormation sends no Delete when the resource leaves the stack. */
  readonly retained: boolean;
  properties: Record<string, unknown>;
  physicalResourceId?: string;
  exists: boolean;
}

export interface Request {
  readonly step: StepKind;
  readonly requestType: StepRecord['requestType'];
  readonly resource: ResourceState;
  /** For an Update: the properties before it. */
  readonly oldProperties?: Record<string, unknown>;
  /** The physical id to send instead of the resource's. */
  readonly physicalResourceId?: string;
}

/** An event sent to a handler and the raw answer PUT for it. */
export interface Exchange {
  readonly event: Record<string, unknown>;
  readonly answer?: string;
}

/** Invokes the handler in `lambda` with the request's event, and reads its answer back from `receiver`. */
export async function sendRequest(
  request: Request,
  lambda: LambdaContainer,
  receiver: ResponseReceiver,
  emulator: FinSpaceEmulator,
): Promise<{ record: StepRecord; exchange: Exchange }> {
  const { step, requestType, resource } = request;
  const key = randomUUID();
  const event = {
    RequestType: requestType,
    ServiceToken: lambda.spec.arn,
    ResponseURL: receiver.url(key),
    StackId: resource.resolver.resolve({ Ref: 'AWS::StackId' }),
    RequestId: randomUUID(),
    LogicalResourceId: resource.logicalId,
    ResourceType: RESOURCE_TYPE,
    ResourceProperties: resource.properties,
    ...(requestType !== 'Create' ? { PhysicalResourceId: request.physicalResourceId ?? resource.physicalResourceId } : {}),
    ...(requestType === 'Update' ? { OldResourceProperties: request.oldProperties } : {}),
  };
  const invocation = await lambda.invoke(event);
  const answer = receiver.response(key);
  const exchange = { event, answer: receiver.puts.find((p) => p.key === key)?.body };
  const environmentId = String(resource.properties.environmentId);
  const userId = String(resource.properties.userId);
  const record: StepRecord = {
    step,
    requestType,
    stackName: resource.stack.stackName,
    logicalId: resource.logicalId,
    status: answer?.Status ?? 'NO ANSWER',
    physicalResourceId: answer?.PhysicalResourceId,
    reason:
      answer?.Reason ??
      (answer
        ? undefined
        : `no answer (${invocation.error ?? 'the handler returned without one'}); CloudFormation would fail the resource after its ServiceTimeout`),
    durationMs: invocation.durationMs,
    environmentId,
    userId,
    user: emulator.getUser(environmentId, userId),
    nodeVersion: invocation.nodeVersion,
    audit: auditRecords(invocation.logs),
  };
  return { record, exchange };
}

/** An Update's new settings as CloudFormation sends them: with the template's ServiceToken and ServiceTimeout. */
export function withServiceProperties(current: Record<string, unknown>, settings: Record<string, unknown>): Record<string, unknown> {
  const { ServiceToken, ServiceTimeout } = current;
  return {
    ...(stringifyScalars(settings) as Record<string, unknown>),
    ServiceToken,
    ...(ServiceTimeout !== undefined ? { ServiceTimeout } : {}),
  };
}
