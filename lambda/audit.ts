/**
 * The audit trail: one log line per request, written once the answer PUT is done, saying who asked about which user,
 * what was sent, how it ended and whether CloudFormation got it; names only as "set". README: "Audit trail".
 */
import { isSensitive, SETTING_FIELDS } from '../lib/finspace-rules';
import type { UpdateUserInput } from './finspace-client';
import type { CallPurpose } from './lifecycle';
import { log } from './log';
import { errorNamePart } from './outside-text';
import type { ReadRequest } from './request';
import type { RetryStats } from './retry';

/** The value of every audit line's `audit` field. */
export const AUDIT_MARK = 'FinSpaceUserSettings';

/** Where each UpdateUser of a request shows in the line's `sent`. */
const SENT_KEYS: Record<CallPurpose, string> = { apply: 'apply', 'on-delete': 'onDelete', 'previous-environment': 'previousEnvironment' };

/** How an UpdateUser ended while the request was still being worked on. */
export const UNFINISHED = 'unfinished when the handler answered';

export interface AuditTrail {
  /** Who asked, about which user. */
  readonly request: Pick<ReadRequest, 'envelope' | 'environmentId' | 'userId'>;
  readonly startedAt: number;
  readonly sent: Record<string, Record<string, string>>;
  written: boolean;
}

export function newAuditTrail(request: AuditTrail['request'], startedAt: number): AuditTrail {
  return { request, startedAt, sent: {}, written: false };
}

/** Records an UpdateUser about to be sent (its settings, names only as "set"); the function returned records its end. */
export function recordSent(
  trail: AuditTrail,
  purpose: CallPurpose,
  environmentId: string,
  input: UpdateUserInput,
): (result: string) => void {
  const entry: Record<string, string> = { environmentId, userId: input.userId };
  for (const field of SETTING_FIELDS) {
    const value = input[field];
    if (value !== undefined) entry[field] = isSensitive(field) ? 'set' : value;
  }
  entry.result = UNFINISHED;
  trail.sent[SENT_KEYS[purpose]] = entry;
  return (result) => {
    entry.result = result;
  };
}

/**
 * How a failed UpdateUser ended, in the library's words only: the error name when the library knows it (a service
 * could echo a name in one it made up), or that it could not be applied because no credentials could be had.
 */
export function failedCallResult(error: unknown): string {
  const { operation, code, name } = (error ?? {}) as { operation?: unknown; code?: unknown; name?: unknown };
  if (operation === 'GetProgrammaticAccessCredentials') return 'not applied: GetProgrammaticAccessCredentials failed';
  // A service error's name is its code; only an error without one (a timeout, a network failure) goes by its own name.
  const named = typeof code === 'string' ? code : name;
  // Stryker disable next-line ConditionalExpression: Equivalent: a name that is not a string becomes outside text, which is not a string either, so the result is the same sentence.
  const known = typeof named === 'string' ? errorNamePart(named) : undefined;
  if (typeof known === 'string') return known;
  return 'failed with an error the library does not name';
}

export interface AuditOutcome {
  readonly outcome: 'SUCCESS' | 'FAILED' | 'IGNORED';
  /** The physical id answered (or, for an ignored request, the one it carried). */
  readonly physicalResourceId?: string;
  /** Why it failed or was ignored, as answered (outside text filtered by outside-words.ts). */
  readonly reason?: string;
  readonly stats?: RetryStats;
  /** Whether CloudFormation accepted the answer PUT; false when it never did, or nothing was sent (IGNORED). */
  readonly delivered: boolean;
}

/** Writes the request's audit line; a second call for the same request writes nothing. */
export function writeAudit(trail: AuditTrail, end: AuditOutcome): void {
  if (trail.written) return;
  trail.written = true;
  const { envelope, environmentId, userId } = trail.request;
  // A success CloudFormation never got is no success for the stack: it waits, then fails the resource.
  log(end.outcome === 'SUCCESS' && end.delivered ? 'INFO' : 'ERROR', {
    message:
      end.outcome === 'IGNORED'
        ? 'request ignored, not answered'
        : end.delivered
          ? 'request answered'
          : 'request answered, but CloudFormation did not accept the answer',
    audit: AUDIT_MARK,
    stackId: envelope.StackId,
    logicalResourceId: envelope.LogicalResourceId,
    requestId: envelope.RequestId,
    requestType: envelope.RequestType,
    resourceType: envelope.ResourceType,
    environmentId,
    userId,
    physicalResourceId: end.physicalResourceId,
    sent: Object.keys(trail.sent).length > 0 ? trail.sent : 'nothing',
    outcome: end.outcome,
    delivered: end.delivered,
    reason: end.reason,
    attempts: end.stats?.attempts,
    throttled: end.stats?.throttled,
    transient: end.stats?.transient,
    elapsedMs: Date.now() - trail.startedAt,
  });
}
