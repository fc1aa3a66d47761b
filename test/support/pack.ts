/**
 * The package as it would be published, built and packed once per test run and shared by the package tests (they
 * run in parallel workers): jsii compiles lib/ (writing .jsii), tsc compiles the testing entry point, and
 * `npm pack` makes the tarball. A lock folder in the run's temp folder makes the first caller build and the others
 * wait for its result.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/**
 * The newest aws-cdk-lib the package is tested with, besides the floor it is built against (its devDependency).
 * Raise it when a newer one is released; test/languages installs the same version in Python, Java and Go.
 */
export const NEWEST_AWS_CDK_LIB = '2.276.0';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function build(into: string): string {
  // As `npm run build` does, after the handler bundle (built by jest's global setup): tsc for the testing entry
  // point first, then jsii, whose JavaScript for lib/ (with jsii's runtime type information) is what ships.
  execFileSync('npm', ['run', '--silent', 'build:testing'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync('npm', ['run', '--silent', 'build:jsii'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync('npm', ['run', '--silent', 'build:examples'], { cwd: ROOT, stdio: 'pipe' });
  // The bundle is already built (jest's global setup): pack without the prepack rebuild.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8' }),
  );
  return path.join(into, packed[0].filename);
}

export interface Packed {
  readonly tarball: string;
  readonly files: string[];
}

/** The packed tarball of this run, built on first use. */
export async function packedPackage(): Promise<Packed> {
  const dir = path.join(process.env.FINSPACE_TEST_TMPDIR ?? os.tmpdir(), 'packed');
  const done = path.join(dir, 'tarball.txt');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  let owner = false;
  try {
    fs.mkdirSync(dir);
    owner = true;
  } catch {
    // Another worker builds it.
  }
  if (owner) {
    try {
      fs.writeFileSync(done, build(dir));
    } catch (error) {
      fs.writeFileSync(done, `ERROR ${(error as Error).message}`);
    }
  }
  for (let waited = 0; !fs.existsSync(done); waited += 250) {
    if (waited > 300_000) throw new Error('the package was not packed within 5 minutes');
    await sleep(250);
  }
  const tarball = fs.readFileSync(done, 'utf8');
  if (tarball.startsWith('ERROR ')) throw new Error(`building the package failed: ${tarball.slice(6)}`);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  return { tarball, files };
}
