#!/usr/bin/env node
/**
 * `npm start` after `cdk synth` (finspace-user-settings-local [cdk.out] [--verbose]): Create, an Update with changed
 * settings and Delete of every Custom::FinSpaceUserSettings against the emulator; exits 1 if a step failed, 2 if it
 * could not run. What it prints is ./report's; CONTRIBUTING "Set-up: two commands" shows it.
 */
import { describeLambdaRuntime, prepareLambdaRuntime } from './lambda-runtime';
import { flippedSettings, LocalDeployment } from './local-deployment';
import { formatResult, formatStart } from './report';
import type { StepRecord } from './cloudformation-request';

// Ctrl-C or a kill ends the run through process.exit, whose handlers stop the emulators still running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const assemblyDir = args.find((a) => !a.startsWith('--')) ?? 'cdk.out';
  // AWS's runtime interface emulator and client, built on a checkout's first run; the imitation where they cannot be.
  const runtime = await prepareLambdaRuntime((line) => console.log(line));
  const deployment = await LocalDeployment.start({
    assemblyDir,
    onLog: verbose ? (line) => console.error(`  [handler] ${line}`) : undefined,
  });
  try {
    console.log(formatStart(deployment, assemblyDir, describeLambdaRuntime(runtime.pieces, runtime.reason)));
    const steps: StepRecord[] = [];
    steps.push(...(await deployment.createAll()));
    if (steps.every((s) => s.status === 'SUCCESS')) {
      const changes = Object.fromEntries(deployment.resourceIds.map((id) => [id, flippedSettings(deployment.propertiesOf(id))]));
      steps.push(...(await deployment.update(changes)));
      steps.push(...(await deployment.deleteAll()));
    }
    console.log(formatResult(steps));
    return steps.every((s) => s.status === 'SUCCESS') ? 0 : 1;
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
