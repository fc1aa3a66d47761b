/**
 * CloudFormation's request, read from the raw event once and trusting nothing in it: the envelope, the properties
 * parsed, and whether the handler may act on it. README: "Threat model".
 */
import { isSensitive, SETTING_FIELDS } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY, RESOURCE_TYPE, STACK_ID_ENV } from '../lib/handler-contract';
import { nameWordsIn } from './outside-words';
import { isRecord, parseProperties, type ParsedProperties } from './properties';
import { requestTimes, staleProblem, type RequestTimes } from './request-age';
import { responseUrlProblem, type ResponseUrlRules } from './response-url';

export type RequestType = 'Create' | 'Update' | 'Delete';

const REQUEST_TYPES = new Set(['Create', 'Update', 'Delete']);
const REQUIRED_FIELDS = ['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType'] as const;

/** The envelope's string fields (every field but the properties); a field that is not a string is undefined. */
export interface Envelope {
  readonly RequestType?: string;
  readonly ResponseURL?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
}

/** A request the handler acts on: well formed, its own stack's, its properties parsed. */
export interface CustomResourceRequest {
  readonly requestType: RequestType;
  readonly stackId: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  /** Absent on Create. */
  readonly physicalResourceId?: string;
  readonly properties: ParsedProperties;
  /** An Update's properties before it. */
  readonly oldProperties?: ParsedProperties;
}

/** What the request is checked against, besides itself. */
export interface RequestChecks {
  /** Whether Lambda says the function was invoked through a version or alias. */
  readonly invokedQualified: boolean;
  readonly responseUrls: Required<ResponseUrlRules>;
  /** The one stack whose requests the handler serves. */
  readonly stackId?: string;
  /** The ServiceTimeout the construct configured, in seconds (SERVICE_TIMEOUT_ENV). */
  readonly configuredServiceTimeout?: string;
  /** Epoch ms, for whether CloudFormation still waits. */
  readonly now: number;
}

/** The raw event, read: what every answer and audit line need, and either why it is not acted on or the request. */
export interface ReadRequest {
  readonly envelope: Envelope;
  /** The properties' environmentId and userId when they are strings, for the audit line. */
  readonly environmentId?: string;
  readonly userId?: string;
  /** The words of the first and last names the request sets, which outside text never shows. */
  readonly nameWords: ReadonlySet<string>;
  readonly times: RequestTimes;
  /** Why nothing at all is sent, to FinSpace or CloudFormation: a retry could not do better. */
  readonly ignored?: string;
  /** Why the request is answered FAILED without a FinSpace call. */
  readonly refused?: string;
  /** The request to act on, when it is neither ignored nor refused. */
  readonly request?: CustomResourceRequest;
}

export const QUALIFIED_INVOCATION =
  'The function was invoked through a version or alias (a qualified ARN), whose resource policy is not the one that ' +
  'says who may invoke the handler: it serves only its unqualified function, as CloudFormation invokes it (the ' +
  'ServiceToken). Nothing was sent to FinSpace, and nothing was answered.';

const NO_RESPONSE_URL = 'The request has no ResponseURL, so it cannot be answered; it is not a CloudFormation custom-resource request.';

const NO_STACK_ID =
  `This handler does not know which stack it serves: its environment variable ${STACK_ID_ENV} is not set, and it answers only ` +
  `the requests of its own stack. Deploy it with the FinSpaceUserSettingsProvider construct, which sets it to the stack's id ` +
  `(Ref AWS::StackId). Nothing was changed in FinSpace.`;

const stringAt = (raw: Record<string, unknown>, field: string) => (typeof raw[field] === 'string' ? (raw[field] as string) : undefined);

/** Reads the raw event, whatever it holds, and checks it in order: ignored, refused, or a request to act on. */
export function readRequest(rawEvent: unknown, checks: RequestChecks): ReadRequest {
  const raw = isRecord(rawEvent) ? rawEvent : {};
  const envelope: Envelope = Object.fromEntries([...REQUIRED_FIELDS, 'PhysicalResourceId'].map((field) => [field, stringAt(raw, field)]));
  const properties = isRecord(raw.ResourceProperties) ? raw.ResourceProperties : undefined;
  const oldProperties = isRecord(raw.OldResourceProperties) ? raw.OldResourceProperties : undefined;
  // Stryker disable next-line StringLiteral: Equivalent: no ResponseURL and any text that is not a URL both give no expiry (and such a request is ignored).
  const times = requestTimes(envelope.ResponseURL ?? '', properties?.ServiceTimeout, checks.configuredServiceTimeout);
  const known = {
    envelope,
    environmentId: properties && stringAt(properties, 'environmentId'),
    userId: properties && stringAt(properties, 'userId'),
    nameWords: nameWordsIn(sensitiveValues([properties, oldProperties])),
    times,
  };
  // A request CloudFormation no longer waits for (Lambda may deliver an event late) is not acted on either: it could
  // undo what came after it.
  const ignored = checks.invokedQualified
    ? QUALIFIED_INVOCATION
    : envelope.ResponseURL
      ? responseUrlProblem(envelope.ResponseURL, checks.responseUrls)
      : NO_RESPONSE_URL;
  if (ignored !== undefined) return { ...known, ignored };
  const stale = staleProblem(times, checks.now);
  if (stale !== undefined) return { ...known, ignored: stale };
  const refused = envelopeProblem(envelope, properties, oldProperties) ?? bindingProblem(envelope, checks.stackId);
  if (refused !== undefined) return { ...known, refused };
  const request: CustomResourceRequest = {
    requestType: envelope.RequestType as RequestType,
    stackId: envelope.StackId!,
    requestId: envelope.RequestId!,
    logicalResourceId: envelope.LogicalResourceId!,
    physicalResourceId: envelope.PhysicalResourceId,
    properties: parseProperties(properties!),
    oldProperties: oldProperties && parseProperties(oldProperties),
  };
  return { ...known, request };
}

/** The first and last names in the properties (new, old, and their onDelete). */
function sensitiveValues(sources: ReadonlyArray<Record<string, unknown> | undefined>): string[] {
  const values: string[] = [];
  for (const properties of sources) {
    for (const scope of [properties, properties?.[ON_DELETE_PROPERTY]]) {
      if (!isRecord(scope)) continue;
      for (const field of SETTING_FIELDS) {
        const value = scope[field];
        if (isSensitive(field) && typeof value === 'string') values.push(value);
      }
    }
  }
  return values;
}

/** A value from the event cut short for a message (an event can be forged, and its fields be huge). */
export function shortened(value: string): string {
  // Stryker disable next-line ConditionalExpression: Equivalent: cutting at 512 code units only bounds the work on a forged huge value; the 128 code points kept are the same. Also: Equivalent: cutting at 512 code units only bounds the work on a forged huge value; the 128 code points kept come from the first 256 units either way.
  // Stryker disable next-line EqualityOperator, MethodExpression: Equivalent: cutting at 512 code units only bounds the work; the 128 code points kept are the same.
  const chars = Array.from(value.length > 512 ? value.slice(0, 512) : value);
  return chars.length > 128 ? `${chars.slice(0, 128).join('')}…` : chars.join('');
}

/** The same, quoted. */
export const quoted = (value: string) => JSON.stringify(shortened(value));

/** What is wrong with the event's shape (not its properties' values), or undefined when it is a well-formed request. */
function envelopeProblem(
  envelope: Envelope,
  properties: Record<string, unknown> | undefined,
  oldProperties: Record<string, unknown> | undefined,
): string | undefined {
  const missing = REQUIRED_FIELDS.filter((field) => !envelope[field]);
  if (missing.length > 0) return `The request lacks ${missing.join(', ')}; it is not a CloudFormation custom-resource request.`;
  if (!REQUEST_TYPES.has(envelope.RequestType!))
    return `Unknown RequestType ${quoted(envelope.RequestType!)}; CloudFormation sends Create, Update or Delete.`;
  if (envelope.RequestType !== 'Create' && envelope.PhysicalResourceId === undefined)
    return `A ${envelope.RequestType} request must carry PhysicalResourceId.`;
  if (envelope.RequestType === 'Update' && !oldProperties) return 'An Update request must carry OldResourceProperties.';
  if (!properties) return 'The request lacks ResourceProperties.';
  return undefined;
}

/**
 * Why the handler refuses a well-formed request that is not its own stack's Custom::FinSpaceUserSettings, or
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
  if (!expectedStackId) return NO_STACK_ID;
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
