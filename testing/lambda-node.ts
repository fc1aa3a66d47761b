/**
 * Which Node.js runs a handler locally: the major its runtime names (nodejs24.x: Node.js 24), as Lambda would, or
 * this process's with a plain note when there is none (CONTRIBUTING "Set-up: two commands").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LambdaNode {
  /** The node binary to run the handler with. */
  readonly path: string;
  /** Its version, as `node --version` prints it without the v (e.g. 24.22.3). */
  readonly version: string;
  /** The template's runtime (e.g. nodejs24.x). */
  readonly runtime: string;
  /** Whether the binary's major version is the runtime's. */
  readonly matchesRuntime: boolean;
  /** Why it does not match, and what to do, when it does not. */
  readonly note?: string;
}

const found = new Map<string, LambdaNode>();

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
}

/**
 * The Node.js to run a handler of `runtime` with (cached per runtime), the first of: FINSPACE_LOCAL_LAMBDA_NODE, the
 * Node.js running this process if its major matches, the build scripts/install-lambda-node.mjs fetched.
 */
export function nodeForRuntime(runtime: string, env: NodeJS.ProcessEnv = process.env): LambdaNode {
  const cached = found.get(runtime);
  if (cached && !env.FINSPACE_LOCAL_LAMBDA_NODE) return cached;
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  const own = { path: process.execPath, version: process.versions.node, runtime };
  if (!major) return { ...own, matchesRuntime: false, note: `${runtime} is not a Node.js runtime this runner knows` };
  const candidates = [
    env.FINSPACE_LOCAL_LAMBDA_NODE,
    process.versions.node.split('.')[0] === major ? process.execPath : undefined,
    // From source (testing/) and from the compiled package (dist/testing/), and the project being tested.
    path.resolve(__dirname, '..', 'node_modules', '.cache', 'lambda-node', `node${major}`, 'bin', 'node'),
    path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'lambda-node', `node${major}`, 'bin', 'node'),
    path.resolve(process.cwd(), 'node_modules', '.cache', 'lambda-node', `node${major}`, 'bin', 'node'),
  ];
  for (const candidate of candidates) {
    if (!candidate || !fs.existsSync(candidate)) continue;
    const version = versionOf(candidate);
    if (version?.split('.')[0] === major) {
      const result = { path: candidate, version, runtime, matchesRuntime: true };
      if (!env.FINSPACE_LOCAL_LAMBDA_NODE) found.set(runtime, result);
      return result;
    }
  }
  const fix = missingNodeFix(major, inCheckout());
  return {
    ...own,
    matchesRuntime: false,
    note: `no Node.js ${major} binary was found for ${process.platform}-${process.arch} (${fix}); running on Node.js ${process.versions.node} instead`,
  };
}

/**
 * What to do without a Node.js of the runtime's major: a checkout of this project fetches one on npm ci; a consumer of
 * the published package runs the runner itself on that Node.js (npm fetches it), or names a binary.
 */
export function missingNodeFix(major: string, checkout: boolean): string {
  return checkout
    ? `run npm ci in this project to fetch one, or set FINSPACE_LOCAL_LAMBDA_NODE to a node ${major} binary`
    : `run the runner on Node.js ${major}: npx -y -p node@${major} -c 'finspace-user-settings-local cdk.out' fetches it from the npm registry; ` +
        `or set FINSPACE_LOCAL_LAMBDA_NODE to a node ${major} binary`;
}

/** Whether this runs from a checkout of this project (its install step is there), not from the published package. */
export function inCheckout(dir = __dirname): boolean {
  return [path.resolve(dir, '..'), path.resolve(dir, '..', '..')].some((root) =>
    fs.existsSync(path.join(root, 'scripts', 'install-lambda-node.mjs')),
  );
}

/** One line for people: which Node.js runs the handler, and whether it is the runtime's. */
export function describeLambdaNode(node: LambdaNode): string {
  return node.matchesRuntime
    ? `Node.js ${node.version} (the template's ${node.runtime})`
    : `Node.js ${node.version}, NOT the template's ${node.runtime}: ${node.note}`;
}
