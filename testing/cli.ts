#!/usr/bin/env node
/**
 * `npm start` (after `cdk synth`): applies every Custom::FinSpaceUserSettings of a cloud assembly against a local
 * FinSpace emulator, as CloudFormation would: Create, an Update with changed settings, then Delete. Prints a table
 * of the steps, then the handler's audit trail (its one audit line per request, condensed), and exits non-zero if any
 * step failed.
 *
 * Usage: finspace-user-settings-local [cdk.out] [--verbose]
 */
import * as path from 'node:path';
import { describeLambdaNode } from './lambda-node';
import { flippedSettings, formatAudit, formatSteps, LocalDeployment, type StepRecord } from './local-deployment';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const assemblyDir = args.find((a) => !a.startsWith('--')) ?? 'cdk.out';
  const deployment = await LocalDeployment.start({
    assemblyDir,
    onLog: verbose ? (line) => console.error(`  [handler] ${line}`) : undefined,
  });
  try {
    console.log(
      `FinSpace Data emulator on ${deployment.emulator.endpoint}; ${deployment.resourceIds.length} Custom::FinSpaceUserSettings in ${assemblyDir}`,
    );
    for (const fn of deployment.handlerFunctions) {
      console.log(
        `handler ${fn.spec.logicalId}: ${fn.spec.exportName} of ${path.relative(process.cwd(), fn.spec.file)} on ${describeLambdaNode(fn.node)}; timeout ${fn.spec.timeoutSeconds} s`,
      );
    }
    const steps: StepRecord[] = [];
    steps.push(...(await deployment.createAll()));
    if (steps.every((s) => s.status === 'SUCCESS')) {
      const changes = Object.fromEntries(deployment.resourceIds.map((id) => [id, flippedSettings(deployment.propertiesOf(id))]));
      steps.push(...(await deployment.update(changes)));
      steps.push(...(await deployment.deleteAll()));
    }
    console.log('');
    console.log(formatSteps(steps));
    console.log('');
    console.log('Audit trail (the audit line the handler logged for each request; names show only as "set"):');
    console.log(formatAudit(steps));
    const failed = steps.filter((s) => s.status !== 'SUCCESS');
    console.log('');
    console.log(failed.length === 0 ? `All ${steps.length} steps succeeded.` : `${failed.length} of ${steps.length} steps failed.`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await deployment.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`finspace-user-settings-local: ${(error as Error).message}`);
    process.exit(2);
  },
);
