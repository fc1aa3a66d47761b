/**
 * When each part of an invocation must end, so that the answer and the audit line still go out before Lambda's end.
 * README: "Guarantees".
 */

/** The part of Lambda's context that says how long the invocation has left. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** How long before the Lambda's end the work must stop, so the answer still goes out. */
export function responseReserveMs(remainingMs: number): number {
  return Math.min(5000, Math.max(200, Math.floor(remainingMs * 0.2)));
}

/** How long before the Lambda's end the audit line is written, if the answer PUT has not ended by then. */
export const AUDIT_RESERVE_MS = 20;

/** The invocation's deadlines, in epoch ms. */
export interface Deadlines {
  /** The FinSpace calls' retries end here. */
  readonly work: number;
  /** The work is given up on here, and a timeout failure answered. */
  readonly guard: number;
  /** The answer PUT's retries end here. */
  readonly answer: number;
  /** The audit line is written here at the latest. */
  readonly audit: number;
}

export function deadlinesOf(startedAt: number, context: Partial<RemainingTime> | undefined): Deadlines {
  const reported = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NaN;
  const remaining = Number.isFinite(reported) ? reported : 3000;
  const work = startedAt + remaining - responseReserveMs(remaining);
  // Stryker disable next-line ArithmeticOperator: Not worth a test: the invocation ends at the audit line's race, 20 ms before Lambda's end, either way; only a PUT attempt begun in Lambda's last 100 ms, which Lambda would freeze, differs.
  const answer = startedAt + remaining - 100;
  return {
    work,
    guard: work + Math.min(1000, (answer - work) / 2),
    answer,
    // Stryker disable next-line ArithmeticOperator: Not worth a test: 40 ms apart, within the timing tolerance a test needs on a loaded machine; test/lambda/handler.test.ts checks that the line is written near the end with the PUT still going.
    audit: startedAt + remaining - AUDIT_RESERVE_MS,
  };
}
