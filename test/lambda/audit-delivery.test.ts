/**
 * The audit line is written once the answer PUT is done, and says whether CloudFormation accepted it (`delivered`), so
 * that no line says SUCCESS for an answer the stack never got without saying so; a PUT still going at the Lambda's end
 * still leaves its one line, written just before the end.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWER_RETRY_POLICY } from '../../lambda/cfn-response';
import { AUDIT_RESERVE_MS } from '../../lambda/handler';
import { analystProperties, Harness, lambdaContext, newHandler, TARGET_USER_ID } from '../support/harness';
import { asDeployed } from '../support/deployed-environment';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
  asDeployed(h);
});
afterEach(() => h.close());

const lines = () => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
const auditLines = () => lines().filter((line) => line.audit === 'FinSpaceUserSettings');

test('an answer accepted after retries: the audit line comes after them, delivered', async () => {
  h.receiver.failNext(2);
  const { response } = await h.invoke(newHandler(), { requestType: 'Create', properties: analystProperties() });
  expect(response.Status).toBe('SUCCESS');
  expect(lines().map((line) => [line.level, line.message])).toEqual([
    ['WARN', 'answer to CloudFormation not accepted'],
    ['WARN', 'answer to CloudFormation not accepted'],
    ['INFO', 'request answered'],
  ]);
  expect(auditLines()).toEqual([expect.objectContaining({ outcome: 'SUCCESS', delivered: true, physicalResourceId: TARGET_USER_ID })]);
});

test('an answer CloudFormation never accepted: the one audit line says so, at ERROR even for a SUCCESS', async () => {
  h.receiver.failNext(1000);
  const { key, event } = h.event({ requestType: 'Create', properties: analystProperties() });
  await newHandler()(event, lambdaContext());
  expect(h.receiver.response(key)).toBeUndefined();
  expect(lines().at(-1)).toEqual(
    expect.objectContaining({
      level: 'ERROR',
      message: 'request answered, but CloudFormation did not accept the answer',
      outcome: 'SUCCESS',
      delivered: false,
    }),
  );
  expect(auditLines()).toHaveLength(1);
  // The answer was given up on before the line was written.
  const gaveUp = lines().findIndex((line) => line.message === 'could not deliver the answer to CloudFormation');
  expect(gaveUp).toBeGreaterThanOrEqual(0);
  expect(gaveUp).toBeLessThan(lines().length - 1);
});

test("an answer PUT still going at the Lambda's end: the audit line is written just before it, not delivered", async () => {
  // A ResponseURL host that takes the PUT and never answers, with the real answer policy (a first attempt of 1 s at least).
  const stalled: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => void stalled.push(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const handler = newHandler({ answerRetryPolicy: ANSWER_RETRY_POLICY, responseUrls: { standIn: origin } });
    const { event } = h.event({ requestType: 'Create', properties: analystProperties() });
    const remainingMs = 600;
    const started = Date.now();
    await handler({ ...event, ResponseURL: `${origin}/answer?X-Amz-Signature=1` }, lambdaContext(remainingMs));
    const elapsed = Date.now() - started;
    // At the end less AUDIT_RESERVE_MS (a busy test machine's timers may fire a little late), not after the PUT's
    // attempt (1 s at least), as it would if the line waited for the PUT.
    expect(elapsed).toBeGreaterThanOrEqual(remainingMs - AUDIT_RESERVE_MS - 30);
    expect(elapsed).toBeLessThan(remainingMs + 350);
    expect(stalled).toHaveLength(1);
    expect(auditLines()).toEqual([expect.objectContaining({ outcome: 'SUCCESS', delivered: false, level: 'ERROR' })]);
  } finally {
    // The abandoned PUT ends (its connection closed) and gives up; it writes no second audit line.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (let i = 0; i < 100 && !lines().some((line) => line.message === 'could not deliver the answer to CloudFormation'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(auditLines()).toHaveLength(1);
});
