/**
 * The event's envelope (every field but the properties), read without trusting it: a field is used only when it is a
 * string (an object with its own toString, say, is treated as absent and never converted), and the handler serves
 * only the custom resources of its own stack, of type Custom::FinSpaceUserSettings.
 */
import { RESOURCE_TYPE, STACK_ID_ENV } from '../lib/handler-contract';
import type { CustomResourceEvent } from './cfn-response';
import { unknownRequestType } from './lifecycle';
import { isRecord } from './properties';

const REQUEST_TYPES = new Set(['Create', 'Update', 'Delete']);
const REQUIRED_FIELDS = ['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType'] as const;

/** The envelope's string fields; any field that is not a string is undefined. */
export interface Envelope {
  readonly RequestType?: string;
  readonly ResponseURL?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
}

function stringAt(raw: Record<string, unknown>, field: string): string | undefined {
  const value = raw[field];
  return typeof value === 'string' ? value : undefined;
}

export function readEnvelope(raw: Record<string, unknown>): Envelope {
  return {
    RequestType: stringAt(raw, 'RequestType'),
    ResponseURL: stringAt(raw, 'ResponseURL'),
    StackId: stringAt(raw, 'StackId'),
    RequestId: stringAt(raw, 'RequestId'),
    LogicalResourceId: stringAt(raw, 'LogicalResourceId'),
    ResourceType: stringAt(raw, 'ResourceType'),
    PhysicalResourceId: stringAt(raw, 'PhysicalResourceId'),
  };
}

/** A value from the event cut short for a message (an event can be forged, and its fields be huge). */
export function shortened(value: string): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: cutting at 512 code units only bounds the work on a forged huge value; the 128 code points kept are the same. Also: Equivalent: cutting at 512 code units only bounds the work on a forged huge value; the 128 code points kept come from the first 256 units either way.
  // Stryker disable next-line EqualityOperator, MethodExpression: Equivalent: cutting at 512 code units only bounds the work; the 128 code points kept are the same.
  const chars = Array.from(value.length > 512 ? value.slice(0, 512) : value);
  return chars.length > 128 ? `${chars.slice(0, 128).join('')}…` : chars.join('');
}

/** The same, quoted. */
export function quoted(value: string): string {
  return JSON.stringify(shortened(value));
}

/** What is wrong with the event's shape (not its properties), or undefined when it is a well-formed request. */
export function envelopeProblem(raw: Record<string, unknown>, envelope: Envelope): string | undefined {
  const missing = REQUIRED_FIELDS.filter((field) => !envelope[field]);
  if (missing.length > 0) return `The request lacks ${missing.join(', ')}; it is not a CloudFormation custom-resource request.`;
  if (!REQUEST_TYPES.has(envelope.RequestType!)) return unknownRequestType(shortened(envelope.RequestType!));
  if (envelope.RequestType !== 'Create' && envelope.PhysicalResourceId === undefined)
    return `A ${envelope.RequestType} request must carry PhysicalResourceId.`;
  if (envelope.RequestType === 'Update' && !isRecord(raw.OldResourceProperties))
    return 'An Update request must carry OldResourceProperties.';
  if (!isRecord(raw.ResourceProperties)) return 'The request lacks ResourceProperties.';
  return undefined;
}

/**
 * Why the handler must refuse a well-formed request that is not its own stack's Custom::FinSpaceUserSettings, or
 * undefined. Refusing costs a legitimate stack nothing: CloudFormation always sends a stack's own StackId.
 */
export function bindingProblem(envelope: Envelope, expectedStackId: string | undefined): string | undefined {
  if (envelope.ResourceType !== RESOURCE_TYPE) {
    return (
      // Stryker disable next-line StringLiteral: No test runs it, and no event can: an event without a ResourceType is refused by envelopeProblem before binding is checked.
      `This handler serves only resources of type ${RESOURCE_TYPE}, but the request is for ${quoted(envelope.ResourceType ?? '')}. ` +
      `Use the FinSpaceUserSettings construct, whose resources have that type, rather than another custom resource with this handler as its ServiceToken. Nothing was changed in FinSpace.`
    );
  }
  if (!expectedStackId) {
    return (
      `This handler does not know which stack it serves: its environment variable ${STACK_ID_ENV} is not set, and it answers only ` +
      `the requests of its own stack. Deploy it with the FinSpaceUserSettingsProvider construct, which sets it to the stack's id ` +
      `(Ref AWS::StackId). Nothing was changed in FinSpace.`
    );
  }
  if (envelope.StackId !== expectedStackId) {
    return (
      `This handler serves only the custom resources of stack ${quoted(expectedStackId)}, but the request comes from stack ` +
      // Stryker disable next-line StringLiteral: No test runs it, and no event can: an event without a StackId is refused by envelopeProblem before binding is checked.
      `${quoted(envelope.StackId ?? '')}: a custom resource of another stack names this handler's function as its ServiceToken. ` +
      'Give that stack its own FinSpaceUserSettingsProvider (FinSpaceUserSettings creates one per stack unless given a provider). ' +
      'Nothing was changed in FinSpace; if that stack is stuck in DELETE_FAILED or UPDATE_ROLLBACK_FAILED over this resource, ' +
      'retain it (delete-stack --retain-resources) or skip it (continue-update-rollback --resources-to-skip).'
    );
  }
  return undefined;
}

/** The event, once its envelope is known to be well formed and its own: its fields as the strings they were checked to be. */
export function checkedEvent(raw: Record<string, unknown>, envelope: Envelope): CustomResourceEvent {
  return {
    RequestType: envelope.RequestType as CustomResourceEvent['RequestType'],
    ResponseURL: envelope.ResponseURL!,
    StackId: envelope.StackId!,
    RequestId: envelope.RequestId!,
    LogicalResourceId: envelope.LogicalResourceId!,
    ResourceType: envelope.ResourceType!,
    PhysicalResourceId: envelope.PhysicalResourceId,
    ResourceProperties: raw.ResourceProperties as Record<string, unknown>,
    OldResourceProperties: isRecord(raw.OldResourceProperties) ? raw.OldResourceProperties : undefined,
  };
}
