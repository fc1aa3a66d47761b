/**
 * When CloudFormation stops waiting for a request (the ResponseURL's signing time plus ServiceTimeout, or its expiry):
 * a request past that came late from Lambda, and acting on it could undo what came after. README: "Threat model".
 */

import { ComposedError } from './outside-text';

/** CloudFormation's default ServiceTimeout, when the properties carry none. */
export const DEFAULT_SERVICE_TIMEOUT_S = 3600;

export interface RequestTimes {
  /** When the ResponseURL was signed (its X-Amz-Date), if it says. */
  readonly signedAt?: number;
  /** When the ResponseURL stops being accepted (X-Amz-Date + X-Amz-Expires, or Expires), if it says. */
  readonly expiresAt?: number;
  /** When CloudFormation stops waiting: the earlier of the expiry and signedAt + ServiceTimeout, if either is known. */
  readonly givesUpAt?: number;
}

/** SigV4's X-Amz-Date, 20261202T161404Z, as epoch milliseconds; undefined unless it is exactly that form, a real time. */
function amzDate(value: string | null): number | undefined {
  // Stryker disable next-line Regex, StringLiteral: Equivalent: the time must read back as the value itself (below), so text before or after the date, or no value, gives no time with or without the anchors.
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const at = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  // Date.UTC carries a month 13 or an hour 24 over: only a time that reads back the same is one.
  return new Date(at).toISOString().replace(/[-:]|\.\d{3}/g, '') === value ? at : undefined;
}

/** A whole number of seconds (digits only), or undefined. */
function seconds(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/**
 * What a ResponseURL and the resource's ServiceTimeout (a property CloudFormation passes along, in seconds; the
 * shorter of it and the one the construct configured) say of when CloudFormation stops waiting. A URL without these
 * parameters (a local stand-in's) says nothing.
 */
export function requestTimes(responseUrl: string, serviceTimeout: unknown, configuredTimeout?: unknown): RequestTimes {
  const query = URL.canParse(responseUrl) ? new URL(responseUrl).searchParams : new URLSearchParams();
  const signedAt = amzDate(query.get('X-Amz-Date'));
  const amzExpires = seconds(query.get('X-Amz-Expires'));
  const legacyExpires = seconds(query.get('Expires'));
  const expiresAt =
    signedAt !== undefined && amzExpires !== undefined
      ? signedAt + amzExpires * 1000
      : legacyExpires !== undefined
        ? legacyExpires * 1000
        : undefined;
  const timeout = Math.min(seconds(serviceTimeout) ?? DEFAULT_SERVICE_TIMEOUT_S, seconds(configuredTimeout) ?? DEFAULT_SERVICE_TIMEOUT_S);
  const timedOutAt = signedAt !== undefined ? signedAt + timeout * 1000 : undefined;
  const known = [expiresAt, timedOutAt].filter((t): t is number => t !== undefined);
  return { signedAt, expiresAt, givesUpAt: known.length > 0 ? Math.min(...known) : undefined };
}

/** Whether CloudFormation has stopped waiting for the request at `now`. */
const givenUp = (times: RequestTimes, now: number): times is RequestTimes & { givesUpAt: number } =>
  // Stryker disable next-line ConditionalExpression: Equivalent: a number is never >= undefined, so without a limit it is false either way.
  times.givesUpAt !== undefined && now >= times.givesUpAt;

/** Why a request is stale at `now`, or undefined while CloudFormation still waits for it. */
export function staleProblem(times: RequestTimes, now: number): string | undefined {
  if (!givenUp(times, now)) return undefined;
  const when = new Date(times.givesUpAt).toISOString();
  const why =
    times.givesUpAt === times.expiresAt
      ? `its ResponseURL expired at ${when}, so no answer can reach CloudFormation`
      : `CloudFormation stopped waiting for it at ${when} (the URL's signing time plus the resource's ServiceTimeout)`;
  return (
    `The request arrived too late: ${why}. Lambda delivered it late (a retried or throttled asynchronous event). ` +
    'Nothing was sent to FinSpace, and nothing was answered; CloudFormation has already failed or moved past this request.'
  );
}

/** An UpdateUser not sent because CloudFormation had stopped waiting for the request: it certainly changed nothing. */
export class OutlivedError extends ComposedError {
  constructor(givesUpAt: number) {
    super([
      `CloudFormation stopped waiting for this request at ${new Date(givesUpAt).toISOString()}, before UpdateUser was sent, ` +
        'so it was not sent: a late change could undo what CloudFormation did since (a rollback or a Delete). Retry the deployment.',
    ]);
    this.name = 'OutlivedError';
  }
}

/** Throws OutlivedError once CloudFormation has stopped waiting for the request. */
export function checkNotOutlived(times: RequestTimes, now: number): void {
  if (givenUp(times, now)) throw new OutlivedError(times.givesUpAt);
}
