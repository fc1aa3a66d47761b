/**
 * Where AWS's runtime pieces are found (a build's cache, or the two variables), why the imitation when they are not,
 * and the line that says which runs the handler.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeLambdaRuntime, findLambdaRuntime, prepareLambdaRuntime } from '../../testing/lambda-runtime';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-runtime-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
/** Off Linux the emulator cannot run, and findLambdaRuntime says that first. */
const onLinux = process.platform === 'linux' ? test : test.skip;

/** A cache as the build leaves it: the two pieces, then the manifest naming them. */
function cache(withManifest = true) {
  fs.mkdirSync(path.join(dir, 'rie'));
  fs.mkdirSync(path.join(dir, 'ric'));
  fs.writeFileSync(path.join(dir, 'rie', 'aws-lambda-rie'), '', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'ric', 'index.mjs'), '');
  fs.writeFileSync(path.join(dir, 'ric', 'package.json'), '{"version":"4.0.2"}');
  if (withManifest)
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ rie: { binary: 'rie/aws-lambda-rie', version: 'v0.0.0-x' }, ric: { entry: 'ric/index.mjs', version: '4.0.2' } }),
    );
}

onLinux('a built cache gives both pieces with their versions; a cache without its manifest (a build cut short) gives none', () => {
  cache(false);
  expect(findLambdaRuntime({ FINSPACE_LAMBDA_RUNTIME_CACHE: dir })).toEqual({
    reason:
      "AWS's runtime interface emulator and client are not built here (npm run build:lambda-runtime builds them; it needs Go and a C/C++ toolchain)",
  });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ rie: { binary: 'rie/aws-lambda-rie', version: 'v0.0.0-x' }, ric: { entry: 'ric/index.mjs', version: '4.0.2' } }),
  );
  expect(findLambdaRuntime({ FINSPACE_LAMBDA_RUNTIME_CACHE: dir })).toEqual({
    pieces: {
      rie: path.join(dir, 'rie', 'aws-lambda-rie'),
      ricEntry: path.join(dir, 'ric', 'index.mjs'),
      rieVersion: 'v0.0.0-x',
      ricVersion: '4.0.2',
    },
  });
  fs.rmSync(path.join(dir, 'rie', 'aws-lambda-rie'));
  expect(findLambdaRuntime({ FINSPACE_LAMBDA_RUNTIME_CACHE: dir }).pieces).toBeUndefined();
});

onLinux('FINSPACE_LOCAL_LAMBDA_RIE and _RIC name pieces installed elsewhere; FINSPACE_LOCAL_LAMBDA_RUNTIME=imitation declines them', () => {
  cache(false);
  const named = { FINSPACE_LOCAL_LAMBDA_RIE: path.join(dir, 'rie', 'aws-lambda-rie'), FINSPACE_LOCAL_LAMBDA_RIC: path.join(dir, 'ric') };
  expect(findLambdaRuntime(named).pieces).toEqual({
    rie: named.FINSPACE_LOCAL_LAMBDA_RIE,
    ricEntry: path.join(dir, 'ric', 'index.mjs'),
    rieVersion: `from ${named.FINSPACE_LOCAL_LAMBDA_RIE}`,
    ricVersion: '4.0.2',
  });
  expect(findLambdaRuntime({ ...named, FINSPACE_LOCAL_LAMBDA_RIC: path.join(dir, 'nowhere') }).reason).toBe(
    `FINSPACE_LOCAL_LAMBDA_RIE (${named.FINSPACE_LOCAL_LAMBDA_RIE}) or FINSPACE_LOCAL_LAMBDA_RIC (${path.join(dir, 'nowhere')}, an aws-lambda-ric folder) does not exist`,
  );
  fs.chmodSync(named.FINSPACE_LOCAL_LAMBDA_RIE, 0o644);
  expect(findLambdaRuntime(named).reason).toBe(
    `FINSPACE_LOCAL_LAMBDA_RIE (${named.FINSPACE_LOCAL_LAMBDA_RIE}) is not executable: chmod +x it`,
  );
  expect(findLambdaRuntime({ ...named, FINSPACE_LOCAL_LAMBDA_RUNTIME: 'imitation' })).toEqual({
    reason: 'FINSPACE_LOCAL_LAMBDA_RUNTIME is imitation',
  });
});

onLinux('preparing builds nothing when the pieces are here, are declined, or are named', async () => {
  cache();
  const said: string[] = [];
  const say = (line: string) => said.push(line);
  expect((await prepareLambdaRuntime(say, { FINSPACE_LAMBDA_RUNTIME_CACHE: dir })).pieces?.ricVersion).toBe('4.0.2');
  expect(await prepareLambdaRuntime(say, { FINSPACE_LOCAL_LAMBDA_RUNTIME: 'imitation' })).toEqual({
    reason: 'FINSPACE_LOCAL_LAMBDA_RUNTIME is imitation',
  });
  expect(
    (await prepareLambdaRuntime(say, { FINSPACE_LOCAL_LAMBDA_RIE: path.join(dir, 'none'), FINSPACE_LOCAL_LAMBDA_RIC: dir })).reason,
  ).toMatch(/does not exist$/);
  expect(said).toEqual([]);
});

test("the line that says what runs the handler: AWS's pieces with their versions, or the imitation and why", () => {
  const pieces = { rie: 'rie', ricEntry: 'ric', rieVersion: 'v0.0.0-20261030222936-bef5c4ba774d', ricVersion: '4.0.2' };
  expect(describeLambdaRuntime(pieces)).toBe(
    "AWS's Lambda Runtime Interface Emulator v0.0.0-20261030222936-bef5c4ba774d with aws-lambda-ric 4.0.2",
  );
  expect(describeLambdaRuntime(undefined, 'no Go here')).toBe(
    "the imitation of Lambda's Node.js runtime (testing/local-lambda.ts): no Go here",
  );
});

onLinux('a machine without Go: the build says it cannot (exit 3), and the runner takes the imitation, saying why', async () => {
  const said: string[] = [];
  const choice = await prepareLambdaRuntime((line) => said.push(line), { PATH: dir, FINSPACE_LAMBDA_RUNTIME_CACHE: dir });
  expect(choice).toEqual({ reason: "AWS's runtime interface emulator and client could not be built here (see above)" });
  expect(describeLambdaRuntime(choice.pieces, choice.reason)).toBe(
    "the imitation of Lambda's Node.js runtime (testing/local-lambda.ts): AWS's runtime interface emulator and client could not be built here (see above)",
  );
  expect(fs.readdirSync(dir)).toEqual([]);
});
