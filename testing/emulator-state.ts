/**
 * What one FinSpace emulator holds (users, aliases, credentials, client tokens, queued faults, the rate bucket), and
 * how a request takes a fault or a rate token from it.
 */
import type { EmulatedOperation, EmulatedUser, Fault, RateLimit, RequestRecord, RoleCredentials } from './finspace-emulator';

/** Temporary credentials GetProgrammaticAccessCredentials issued: they act as that user of that environment. */
export interface IssuedCredentials {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly environmentId: string;
  readonly userId: string;
  expiresAt: number;
}

export interface EmulatorState {
  readonly region: string;
  /** Every request answered, in order. */
  readonly requests: RequestRecord[];
  /** Users per environment id, by user id. */
  readonly environments: Map<string, Map<string, EmulatedUser>>;
  /** Other ids of users per environment id: alias to user id. */
  readonly aliases: Map<string, Map<string, string>>;
  readonly roles: Map<string, RoleCredentials>;
  /** By access key id. */
  readonly issued: Map<string, IssuedCredentials>;
  /** UpdateUser answers by environment and clientToken. */
  readonly clientTokens: Map<string, { body: string; response: unknown; at: number }>;
  faults: Array<Fault & { left: number }>;
  rateLimit?: RateLimit;
  bucket: { tokens: number; at: number };
}

export function newState(region: string): EmulatorState {
  return {
    region,
    requests: [],
    environments: new Map(),
    aliases: new Map(),
    roles: new Map(),
    issued: new Map(),
    clientTokens: new Map(),
    faults: [],
    // Stryker disable next-line ObjectLiteral: Equivalent: the constructor sets the bucket through setRateLimit right away.
    bucket: { tokens: 0, at: 0 },
  };
}

/** FinSpaceEmulator.injectFault: a fault for the next `times` matching requests, after those queued before it. */
export function queueFault(state: EmulatorState, fault: Fault): void {
  const times = fault.times ?? 1;
  if (!Number.isInteger(times) || times < 0) throw new RangeError(`times must be a whole number >= 0 (got ${String(fault.times)})`);
  // A fault for no request at all has no effect: not even on the order of the faults queued after it.
  if (times === 0) return;
  state.faults.push({ ...fault, left: times });
}

/** The first queued fault for the operation, used once. */
export function takeFault(state: EmulatorState, operation: EmulatedOperation): Fault | undefined {
  // Every queued fault has requests left: queueFault queues none without, and a used-up one is dropped below.
  const fault = state.faults.find((f) => !f.operation || f.operation === operation);
  if (!fault) return undefined;
  fault.left--;
  state.faults = state.faults.filter((f) => f.left > 0);
  return fault;
}

/** FinSpaceEmulator.setRateLimit: a full bucket, or none. */
export function setRateLimit(state: EmulatorState, rateLimit: RateLimit | undefined): void {
  state.rateLimit = rateLimit;
  state.bucket = { tokens: rateLimit?.burst ?? rateLimit?.requestsPerSecond ?? 0, at: Date.now() };
}

/** Whether a request may pass the rate limit: a token taken, after the bucket refilled at the rate since last time. */
export function takeRateToken(state: EmulatorState): boolean {
  if (!state.rateLimit) return true;
  const now = Date.now();
  const burst = state.rateLimit.burst ?? state.rateLimit.requestsPerSecond;
  state.bucket.tokens = Math.min(burst, state.bucket.tokens + ((now - state.bucket.at) / 1000) * state.rateLimit.requestsPerSecond);
  state.bucket.at = now;
  if (state.bucket.tokens < 1) return false;
  state.bucket.tokens -= 1;
  return true;
}
