/**
 * What `npm start` prints of a local run: the emulator and handlers it runs, the steps as a table, the handler's audit
 * trail and the count of failed steps (CONTRIBUTING "Set-up: two commands" shows it).
 */
import * as path from 'node:path';
import type { StepRecord } from './cloudformation-request';
import type { EmulatedUser } from './finspace-emulator';
import { describeLambdaNode } from './lambda-node';
import type { LocalDeployment } from './local-deployment';

function describeUser(user: EmulatedUser | undefined): string {
  if (!user) return '(no such user)';
  const principal = user.apiAccessPrincipalArn ? user.apiAccessPrincipalArn.replace(/^arn:[^:]+:iam::\d{12}:/, '') : '-';
  const names = user.firstName || user.lastName ? 'names set (hidden)' : 'no names';
  return `type=${user.type ?? '-'} apiAccess=${user.apiAccess ?? '-'} principal=${principal} ${names}`;
}

/** The audit line's `sent`, short: each UpdateUser's purpose, settings (and user, when not the request's) and result. */
function describeSent(sent: unknown, environmentId: unknown, userId: unknown): string {
  if (sent === null || typeof sent !== 'object') return 'nothing sent';
  return Object.entries(sent as Record<string, Record<string, unknown>>)
    .map(([purpose, call]) => {
      const { environmentId: env, userId: user, result, ...settings } = call;
      const where = env === environmentId && user === userId ? [] : [`${env}/${user}:`];
      const shown = Object.entries(settings).map(([k, v]) => `${k}=${String(v).replace(/^arn:[^:]+:iam::\d{12}:/, '')}`);
      return `sent ${purpose}(${[...where, ...shown].join(' ')}) ${result}`;
    })
    .join(', ');
}

/**
 * The handler's audit lines, one per step, as a person reads them: request, resource, user, what was sent to
 * FinSpace (names only as "set", as the handler logs them), outcome. The lines themselves are in the steps' `audit`.
 */
export function formatAudit(steps: readonly StepRecord[]): string {
  return steps
    .map((s) => {
      if (s.audit.length !== 1)
        return `  ${s.step} ${s.logicalId}: ${s.audit.length} audit lines (the handler logs exactly one per request)`;
      const a = s.audit[0];
      const request = `${a.requestType} ${String(a.requestId).slice(0, 8)}`;
      // An answer CloudFormation did not accept (the line says so with delivered: false) is no outcome for the stack.
      const undelivered = a.outcome !== 'IGNORED' && a.delivered === false ? ' (answer not delivered)' : '';
      return `  ${request} ${a.logicalResourceId} ${a.environmentId}/${a.userId}: ${describeSent(a.sent, a.environmentId, a.userId)} -> ${a.outcome}${undelivered}`;
    })
    .join('\n');
}

/** The steps as a table a person can read: step, resource, outcome, Node.js, physical id, the user's settings after it. */
export function formatSteps(steps: readonly StepRecord[]): string {
  const header = ['Step', 'Resource', 'Outcome', 'Node.js', 'Physical id', 'User settings in the emulator afterwards'];
  const rows = steps.map((s) => [
    s.step === s.requestType ? s.step : `${s.step} (${s.requestType})`,
    s.logicalId,
    s.status,
    s.nodeVersion || '-',
    s.physicalResourceId ?? '-',
    `${s.environmentId}/${s.userId}: ${describeUser(s.user)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  steps.forEach((s, i) => {
    out.push(line(rows[i]));
    if (s.status !== 'SUCCESS' && s.reason) out.push(`    reason: ${s.reason}`);
  });
  return out.join('\n');
}

/**
 * The lines before the steps: the emulator and the resources, what runs the handlers (AWS's runtime interface emulator
 * and client, or the imitation and why), then each handler with the Node.js it runs on.
 */
export function formatStart(
  deployment: Pick<LocalDeployment, 'emulator' | 'resourceIds' | 'handlerFunctions'>,
  assemblyDir: string,
  lambdaRuntime: string,
): string {
  return [
    `FinSpace Data emulator on ${deployment.emulator.endpoint}; ${deployment.resourceIds.length} Custom::FinSpaceUserSettings in ${assemblyDir}`,
    `Lambda runtime: ${lambdaRuntime}`,
    ...deployment.handlerFunctions.map(
      (fn) =>
        `handler ${fn.spec.logicalId}: ${fn.spec.exportName} of ${path.relative(process.cwd(), fn.spec.file)} on ${describeLambdaNode(fn.node)}; timeout ${fn.spec.timeoutSeconds} s`,
    ),
  ].join('\n');
}

/** The lines after the steps: a blank line, the table, the audit trail, and how many steps failed. */
export function formatResult(steps: readonly StepRecord[]): string {
  const failed = steps.filter((s) => s.status !== 'SUCCESS');
  return [
    '',
    formatSteps(steps),
    '',
    'Audit trail (the audit line the handler logged for each request; names show only as "set"):',
    formatAudit(steps),
    '',
    failed.length === 0 ? `All ${steps.length} steps succeeded.` : `${failed.length} of ${steps.length} steps failed.`,
  ].join('\n');
}
