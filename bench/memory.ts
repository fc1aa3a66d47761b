/**
 * Memory: the peak RSS of one handler process (a warm container) through Create, Update and Delete (with
 * onDelete settings) against the emulator. 128 MB of Lambda memory must be enough.
 *
 * Usage: tsx bench/memory.ts
 */
import { spawn } from 'node:child_process';
import { FinSpaceEmulator } from '../testing/finspace-emulator';
import { nodeForRuntime } from '../testing/lambda-node';
import { ResponseReceiver } from '../testing/response-receiver';
import { writeResult } from './support';
import { BUNDLE } from './cold-start';

const ROLE = 'arn:aws:iam::123456789012:role/FinSpaceUserSettingsHandler';

const LIFECYCLE = `
const { handler } = require(process.env.BUNDLE);
const events = JSON.parse(process.env.EVENTS);
(async () => {
  for (const event of events) await handler(event, { getRemainingTimeInMillis: () => 30000 });
  process.send({ maxRssKb: process.resourceUsage().maxRSS, heapUsed: process.memoryUsage().heapUsed });
})();
`;

export interface MemoryFigures {
  /** The Node.js version the handler process ran on (the runtime's, nodejs24.x, when one can be had). */
  readonly node: string;
  readonly peakRssMb: number;
  readonly heapUsedMb: number;
  readonly statuses: string[];
}

export async function runMemory(): Promise<MemoryFigures> {
  const emulator = await FinSpaceEmulator.start({
    environments: {
      memenv: [
        { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE },
        { userId: 'u1', type: 'APP_USER' },
      ],
    },
  });
  const receiver = await ResponseReceiver.start();
  try {
    const common = {
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Mem/1',
      LogicalResourceId: 'User',
      ResourceType: 'Custom::FinSpaceUserSettings',
    };
    const props = {
      environmentId: 'memenv',
      userId: 'u1',
      type: 'APP_USER',
      firstName: 'Ada',
      lastName: 'Lovelace',
      apiAccess: 'ENABLED',
      onDelete: { apiAccess: 'DISABLED' },
    };
    const events = [
      { ...common, RequestType: 'Create', RequestId: 'm1', ResponseURL: receiver.url('create'), ResourceProperties: props },
      {
        ...common,
        RequestType: 'Update',
        RequestId: 'm2',
        ResponseURL: receiver.url('update'),
        PhysicalResourceId: 'u1',
        ResourceProperties: { ...props, type: 'SUPER_USER' },
        OldResourceProperties: props,
      },
      {
        ...common,
        RequestType: 'Delete',
        RequestId: 'm3',
        ResponseURL: receiver.url('delete'),
        PhysicalResourceId: 'u1',
        ResourceProperties: { ...props, type: 'SUPER_USER' },
      },
    ];
    const lambdaNode = nodeForRuntime('nodejs24.x');
    const usage = await new Promise<{ maxRssKb: number; heapUsed: number }>((resolve, reject) => {
      const child = spawn(lambdaNode.path, ['-e', LIFECYCLE], {
        env: {
          PATH: process.env.PATH,
          ...emulator.lambdaEnvironment(ROLE),
          BUNDLE,
          EVENTS: JSON.stringify(events),
          FINSPACE_HANDLER_STACK_ID: common.StackId,
          FINSPACE_HANDLER_RESPONSE_URL_STAND_IN: new URL(receiver.url()).origin,
        },
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      child.once('message', (m) => {
        resolve(m as { maxRssKb: number; heapUsed: number });
        child.kill();
      });
      child.once('exit', (code) => reject(new Error(`handler process exited (${code}) before reporting`)));
    });
    return {
      node: lambdaNode.version,
      peakRssMb: usage.maxRssKb / 1024,
      heapUsedMb: usage.heapUsed / 1024 / 1024,
      statuses: ['create', 'update', 'delete'].map((k) => receiver.response(k)?.Status ?? 'NO ANSWER'),
    };
  } finally {
    await receiver.close();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const figures = await runMemory();
  console.log(
    `Memory: peak RSS ${figures.peakRssMb.toFixed(1)} MB, heap used ${figures.heapUsedMb.toFixed(1)} MB through Create, Update, Delete (${figures.statuses.join(', ')})`,
  );
  writeResult('memory', figures);
}

if (require.main === module) main().catch((e) => ((process.exitCode = 1), console.error(e)));
