/**
 * What the construct gives a deployed handler, for the in-process tests: the id of its stack (the harness's events
 * carry STACK_ID) and, as a local stand-in for CloudFormation, the origin of the harness's ResponseURL receiver. The
 * handler reads both from its environment at each request; the harness's close() puts the environment back.
 */
import { RESPONSE_URL_STAND_IN_ENV, STACK_ID_ENV } from '../../lib/handler-contract';
import type { ResponseReceiver } from '../../testing/response-receiver';
import { Harness, STACK_ID } from './harness';

/** The origin of the receiver's ResponseURLs (http://127.0.0.1:<port>). */
export function receiverOrigin(receiver: ResponseReceiver): string {
  return new URL(receiver.url()).origin;
}

/** Binds handlers to the harness's stack and lets them answer its receiver, as the construct and the local runner do. */
export function asDeployed(h: Harness): void {
  process.env[STACK_ID_ENV] = STACK_ID;
  process.env[RESPONSE_URL_STAND_IN_ENV] = receiverOrigin(h.receiver);
}

/** A harness for each test of the file (or describe), bound as deployed and closed after the test: call `current()`. */
export function deployedHarnessEachTest(): () => Harness {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    asDeployed(h);
  });
  afterEach(() => h.close());
  return () => h;
}
