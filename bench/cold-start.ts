/**
 * Cold start and bundle: the handler asset's size, and the median over fresh processes of loading the bundle and
 * completing one Create against the emulator, divided by the median of `node -e 0` measured in the same run.
 *
 * Usage: tsx bench/cold-start.ts [--runs 10]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FinSpaceEmulator } from '../testing/finspace-emulator';
import { describeLambdaNode, nodeForRuntime } from '../testing/lambda-node';
import { ResponseReceiver } from '../testing/response-receiver';
import { arg, median, writeResult } from './support';

export const BUNDLE = path.join(__dirname, '..', 'assets', 'finspace-user-settings-handler', 'index.js');
const ROLE = 'arn:aws:iam::123456789012:role/FinSpaceUserSettingsHandler';
/** Cold starts are measured on the Node.js Lambda runs (nodejs24.x), the bare baseline on the same binary. */
const LAMBDA_NODE = nodeForRuntime('nodejs24.x');

/** What a fresh Lambda container does for one Create: load the bundle, run the event, exit. */
const CREATE_ONCE = `
const { handler } = require(process.env.BUNDLE);
const end = Date.now() + 30000;
handler(JSON.parse(process.env.EVENT), { getRemainingTimeInMillis: () => end - Date.now() }).then(() => process.exit(0), () => process.exit(1));
`;

/**
 * The floor any handler pays here: a fresh process that loads node:http and node:crypto and makes the same three
 * requests (two to the emulator, one answer PUT) with nothing else: no SDK, no signing, no TLS module.
 */
const FLOOR = `
const http = require('node:http');
require('node:crypto').createHmac('sha256', 'k').update('x').digest();
const agent = new http.Agent({ keepAlive: true });
const call = (url, method, body) => new Promise((resolve, reject) => {
  const r = http.request(url, { method, agent }, (res) => { res.resume(); res.on('end', resolve); });
  r.on('error', reject);
  r.end(body);
});
(async () => {
  await call(process.env.ENDPOINT + '/credentials/programmatic?environmentId=coldenv', 'GET');
  await call(process.env.ENDPOINT + '/user/u1', 'PUT', '{}');
  await call(process.env.RESPONSE_URL, 'PUT', '{}');
  process.exit(0);
})();
`;

/** The client-only reference (cold-start-client.ts): the SDK parts alone making the same three requests. */
const CLIENT_ONLY = `
require(process.env.BUNDLE).run('coldenv', 'u1', process.env.RESPONSE_URL).then(() => process.exit(0), () => process.exit(1));
`;

/** Bundles cold-start-client.ts with the handler's own build script and options, into a temp dir. */
function bundleClientOnly(dir: string): string {
  const outfile = path.join(dir, 'client-only.js');
  const script = path.join(__dirname, '..', 'scripts', 'build-handler.mjs');
  execFileSync(process.execPath, [script, '--entry', path.join(__dirname, 'cold-start-client.ts'), '--outfile', outfile], {
    stdio: 'inherit',
  });
  return outfile;
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(LAMBDA_NODE.path, args, { env, stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`exit ${code}`))));
  });
}

export interface ColdStartFigures {
  /** The Node.js the handler and the bare baseline ran on: the runtime's (nodejs24.x), when one can be had. */
  readonly node: string;
  readonly bundleBytes: number;
  readonly runs: number;
  readonly nodeBareMedianMs: number;
  readonly coldCreateMedianMs: number;
  readonly ratio: number;
  /** The same three requests from plain node:http in a fresh process, for scale. */
  readonly plainHttpFloorMedianMs: number;
  readonly floorRatio: number;
  /** The same three requests through the project's FinSpace client alone (the SDK parts), bundled like the handler. */
  readonly clientOnlyMedianMs: number;
  readonly clientOnlyRatio: number;
}

export async function runColdStart(runs: number): Promise<ColdStartFigures> {
  const emulator = await FinSpaceEmulator.start({
    environments: {
      coldenv: [
        { userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE },
        { userId: 'u1', type: 'APP_USER' },
      ],
    },
  });
  const receiver = await ResponseReceiver.start();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-start-'));
  try {
    const clientOnlyBundle = bundleClientOnly(tmp);
    const env = {
      PATH: process.env.PATH,
      ...emulator.lambdaEnvironment(ROLE),
      BUNDLE,
      FINSPACE_HANDLER_STACK_ID: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cold/1',
      FINSPACE_HANDLER_RESPONSE_URL_STAND_IN: new URL(receiver.url()).origin,
    };
    const bare: number[] = [];
    const cold: number[] = [];
    const floor: number[] = [];
    const clientOnly: number[] = [];
    // Interleaved, so that machine noise hits all four alike.
    for (let i = 0; i < runs; i++) {
      bare.push(await timeProcess(['-e', '0'], { PATH: process.env.PATH }));
      const event = {
        RequestType: 'Create',
        ResponseURL: receiver.url(`cold${i}`),
        StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cold/1',
        RequestId: `cold-${i}`,
        LogicalResourceId: 'User',
        ResourceType: 'Custom::FinSpaceUserSettings',
        ResourceProperties: { environmentId: 'coldenv', userId: 'u1', apiAccess: 'ENABLED' },
      };
      cold.push(await timeProcess(['-e', CREATE_ONCE], { ...env, EVENT: JSON.stringify(event) }));
      if (receiver.response(`cold${i}`)?.Status !== 'SUCCESS') throw new Error(`cold start run ${i} did not succeed`);
      floor.push(
        await timeProcess(['-e', FLOOR], { PATH: process.env.PATH, ENDPOINT: emulator.endpoint, RESPONSE_URL: receiver.url(`floor${i}`) }),
      );
      clientOnly.push(
        await timeProcess(['-e', CLIENT_ONLY], { ...env, BUNDLE: clientOnlyBundle, RESPONSE_URL: receiver.url(`client${i}`) }),
      );
      if (receiver.response(`client${i}`)?.Status !== 'SUCCESS') throw new Error(`client-only run ${i} did not succeed`);
    }
    const nodeBareMedianMs = median(bare);
    const coldCreateMedianMs = median(cold);
    const plainHttpFloorMedianMs = median(floor);
    const clientOnlyMedianMs = median(clientOnly);
    return {
      node: describeLambdaNode(LAMBDA_NODE),
      bundleBytes: fs.statSync(BUNDLE).size,
      runs,
      nodeBareMedianMs,
      coldCreateMedianMs,
      ratio: coldCreateMedianMs / nodeBareMedianMs,
      plainHttpFloorMedianMs,
      floorRatio: plainHttpFloorMedianMs / nodeBareMedianMs,
      clientOnlyMedianMs,
      clientOnlyRatio: clientOnlyMedianMs / nodeBareMedianMs,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    await receiver.close();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const figures = await runColdStart(arg('runs', 10));
  console.log(`Handler bundle: ${figures.bundleBytes} bytes (${(figures.bundleBytes / 1024).toFixed(1)} KiB)`);
  console.log(
    `Cold start, median of ${figures.runs} fresh processes: load + one Create ${figures.coldCreateMedianMs.toFixed(1)} ms; ` +
      `node -e 0 ${figures.nodeBareMedianMs.toFixed(1)} ms; ratio ${figures.ratio.toFixed(2)}`,
  );
  console.log(
    `For scale, the same three requests: from plain node:http, no SDK: ${figures.plainHttpFloorMedianMs.toFixed(1)} ms, ratio ${figures.floorRatio.toFixed(2)}; ` +
      `through the FinSpace client alone (SDK signer + HTTP handler, no handler logic): ${figures.clientOnlyMedianMs.toFixed(1)} ms, ratio ${figures.clientOnlyRatio.toFixed(2)}`,
  );
  writeResult('cold-start', figures);
}

if (require.main === module) main().catch((e) => ((process.exitCode = 1), console.error(e)));
