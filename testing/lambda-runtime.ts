/**
 * Where AWS's runtime interface emulator and Node.js runtime interface client for local runs are: built by a checkout
 * (scripts/build-lambda-runtime.mjs, on first use), or named by FINSPACE_LOCAL_LAMBDA_RIE and FINSPACE_LOCAL_LAMBDA_RIC.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLines } from './lambda-environment';

export interface LambdaRuntimePieces {
  /** The aws-lambda-rie binary. */
  readonly rie: string;
  /** The runtime interface client's entry (aws-lambda-ric's index.mjs). */
  readonly ricEntry: string;
  /** The emulator's Go module version (or where it came from). */
  readonly rieVersion: string;
  readonly ricVersion: string;
}

/** Which runtime local containers use: AWS's pieces, or the imitation and why. */
export interface LambdaRuntimeChoice {
  readonly pieces?: LambdaRuntimePieces;
  /** Why the imitation is used, when it is. */
  readonly reason?: string;
}

/** The build script, in a checkout (from testing/ and from dist/testing/); the published package has none. */
function buildScript(): string | undefined {
  return [path.resolve(__dirname, '..', 'scripts'), path.resolve(__dirname, '..', '..', 'scripts')]
    .map((dir) => path.join(dir, 'build-lambda-runtime.mjs'))
    .find((file) => fs.existsSync(file));
}

function fromCache(dir: string): LambdaRuntimePieces | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const pieces = {
      rie: path.join(dir, manifest.rie.binary),
      ricEntry: path.join(dir, manifest.ric.entry),
      rieVersion: String(manifest.rie.version),
      ricVersion: String(manifest.ric.version),
    };
    return fs.existsSync(pieces.rie) && fs.existsSync(pieces.ricEntry) ? pieces : undefined;
  } catch {
    return undefined;
  }
}

function fromEnvironment(rie: string, ric: string): LambdaRuntimeChoice {
  const ricEntry = path.join(ric, 'index.mjs');
  if (!fs.existsSync(rie) || !fs.existsSync(ricEntry))
    return { reason: `FINSPACE_LOCAL_LAMBDA_RIE (${rie}) or FINSPACE_LOCAL_LAMBDA_RIC (${ric}, an aws-lambda-ric folder) does not exist` };
  try {
    fs.accessSync(rie, fs.constants.X_OK);
  } catch {
    return { reason: `FINSPACE_LOCAL_LAMBDA_RIE (${rie}) is not executable: chmod +x it` };
  }
  const ricVersion = JSON.parse(fs.readFileSync(path.join(ric, 'package.json'), 'utf8')).version;
  return { pieces: { rie, ricEntry, rieVersion: `from ${rie}`, ricVersion } };
}

/** AWS's pieces when they are here (FINSPACE_LOCAL_LAMBDA_RUNTIME=imitation declines them), else why not. */
export function findLambdaRuntime(env: NodeJS.ProcessEnv = process.env): LambdaRuntimeChoice {
  if (env.FINSPACE_LOCAL_LAMBDA_RUNTIME === 'imitation') return { reason: 'FINSPACE_LOCAL_LAMBDA_RUNTIME is imitation' };
  if (process.platform !== 'linux') return { reason: `the Runtime Interface Emulator runs on Linux only, not ${process.platform}` };
  if (env.FINSPACE_LOCAL_LAMBDA_RIE || env.FINSPACE_LOCAL_LAMBDA_RIC)
    return fromEnvironment(env.FINSPACE_LOCAL_LAMBDA_RIE ?? '', env.FINSPACE_LOCAL_LAMBDA_RIC ?? '');
  const caches = env.FINSPACE_LAMBDA_RUNTIME_CACHE
    ? [path.resolve(env.FINSPACE_LAMBDA_RUNTIME_CACHE)]
    : [
        path.resolve(__dirname, '..', 'node_modules', '.cache', 'lambda-runtime'),
        path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'lambda-runtime'),
      ];
  for (const dir of caches) {
    const pieces = fromCache(dir);
    if (pieces) return { pieces };
  }
  return {
    reason: buildScript()
      ? "AWS's runtime interface emulator and client are not built here (npm run build:lambda-runtime builds them; it needs Go and a C/C++ toolchain)"
      : "AWS's runtime interface emulator and client are not part of the package: set FINSPACE_LOCAL_LAMBDA_RIE to an aws-lambda-rie binary and FINSPACE_LOCAL_LAMBDA_RIC to an installed aws-lambda-ric folder to run under them",
  };
}

/**
 * The runtime for local containers, built first where this is a checkout that has not built it yet (npm start's
 * first run): the build's progress goes to `say`, and a second run finds it at once.
 */
export async function prepareLambdaRuntime(
  say: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaRuntimeChoice> {
  const found = findLambdaRuntime(env);
  const script = buildScript();
  const declined = env.FINSPACE_LOCAL_LAMBDA_RUNTIME === 'imitation' || env.FINSPACE_LOCAL_LAMBDA_RIE || env.FINSPACE_LOCAL_LAMBDA_RIC;
  if (found.pieces || !script || declined || process.platform !== 'linux') return found;
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [script, '--quiet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    readLines(child.stdout, say);
    child.on('error', () => resolve(null));
    child.on('exit', resolve);
  });
  const built = findLambdaRuntime(env);
  return built.pieces
    ? built
    : {
        reason: `AWS's runtime interface emulator and client could not be built here (${code === 3 ? 'see above' : 'the build failed, see above'})`,
      };
}

/** One line for people: what runs the handler. */
export function describeLambdaRuntime(pieces: LambdaRuntimePieces | undefined, reason?: string): string {
  return pieces
    ? `AWS's Lambda Runtime Interface Emulator ${pieces.rieVersion} with aws-lambda-ric ${pieces.ricVersion}`
    : `the imitation of Lambda's Node.js runtime (testing/local-lambda.ts): ${reason ?? "AWS's runtime is not available"}`;
}
