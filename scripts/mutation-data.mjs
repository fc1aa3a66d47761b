// What mutation testing's scripts share (stryker.config.mjs, scripts/mutate.mjs, scripts/mutation-summary.mjs): the
// groups, what each mutates and the score each must reach; how a mutant is keyed; where each group's data is kept.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const GROUPS = {
  // Runners per group on two cores: the handler's and the emulator's tests mostly wait on timers and sockets (three
  // runners left a core idle), lib/'s synthesize templates and keep both cores busy with three.
  lambda: { mutate: ['lambda/**/*.ts'], target: 90, title: '`lambda/`', concurrency: 4 },
  lib: { mutate: ['lib/**/*.ts'], target: 90, title: '`lib/`', concurrency: 3 },
  // The oracles too: the claim "the emulator verifies every request's SigV4 signature" rests on sigv4.ts, and every
  // answer the handler sends is read by response-receiver.ts.
  emulator: {
    mutate: [
      'testing/finspace-emulator.ts',
      'testing/emulator-auth.ts',
      'testing/emulator-http.ts',
      'testing/emulator-model.ts',
      'testing/emulator-operations.ts',
      'testing/emulator-state.ts',
      'testing/sigv4.ts',
      'testing/response-receiver.ts',
    ],
    target: 80,
    title: 'the emulator',
    concurrency: 4,
  },
};

/** Text on one line, with long text cut, as the summary shows code. */
export function oneLine(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
}

/**
 * A mutant's key in mutation/reasons.json and mutation/timeouts-<group>.json: where it starts and ends, its mutator and
 * what it puts there (on one line). Moving code changes the key, so a reason has to be looked at again when its code
 * moves; two mutants with one key make the summary fail.
 */
export function mutantKey(file, mutant) {
  const { start, end } = mutant.location;
  const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').trim();
  return `${file}:${start.line}:${start.column}-${end.line}:${end.column} ${mutant.mutatorName} ${replacement}`;
}

/**
 * A hash of the test files that hold the tests covering a mutant (all test files when coverage does not say, as for a
 * static mutant): a timeout's confirmation holds while its code and these files are unchanged.
 */
export function coveringTestsHash(report, mutant) {
  const ids = new Set([...(mutant.coveredBy ?? []), ...(mutant.killedBy ?? [])]);
  const files = Object.entries(report.testFiles ?? {})
    .filter(([, { tests }]) => mutant.coveredBy === undefined || tests.some((t) => ids.has(t.id)))
    .sort(([a], [b]) => a.localeCompare(b));
  return sha256(files.map(([file, { source }]) => `${file}\n${source}`).join('\n'));
}

/** The folder of a `dir/**\/*.ts` pattern, or undefined for a pattern that names one file. */
const treeOf = (pattern) => /^(.*)\/\*\*\/\*\.ts$/.exec(pattern)?.[1];

/** The files a group's patterns name (`dir/**\/*.ts` or a file), relative to `root`, sorted. */
export function filesOf(root, patterns) {
  const files = [];
  for (const pattern of patterns) {
    const tree = treeOf(pattern);
    if (tree === undefined) {
      files.push(pattern);
      continue;
    }
    const walk = (dir) => {
      for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const child = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(child);
        else if (entry.name.endsWith('.ts')) files.push(child);
      }
    };
    walk(tree);
  }
  return files.sort();
}

/**
 * Stryker reuses a mutant that was not killed unless a test was added to its coverage, but a static mutant has no
 * per-test coverage: a test added to kill one would never run against it. So before an incremental run the static
 * mutants that were not killed are taken out of the incremental report (in place), and Stryker runs them again; the
 * killed ones stay reused while the test that killed them is unchanged. Returns how many were taken out.
 */
export function forgetStaticSurvivors(report) {
  let forgotten = 0;
  for (const entry of Object.values(report.files)) {
    const kept = entry.mutants.filter((m) => !m.static || m.status === 'Killed');
    forgotten += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  return forgotten;
}

/** Test folders whose tests never run under Stryker (jest.stryker.config.js leaves them out). */
const OUTSIDE_MUTATION_RUNS = ['test/bench', 'test/bin', 'test/languages', 'test/package', 'test/scripts'];

/**
 * The files a run's result rests on besides the mutated ones: the tests and what they import (test/, testing/, lib/,
 * lambda/), the configs of Stryker, jest and TypeScript, and the lock file. Relative to `root`, sorted.
 */
export function inputsOf(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const child = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!OUTSIDE_MUTATION_RUNS.includes(child)) walk(child);
      } else if (/\.(ts|js|mjs|json)$/.test(entry.name)) files.push(child);
    }
  };
  for (const dir of ['lambda', 'lib', 'testing', 'test']) walk(dir);
  for (const config of INPUT_CONFIGS) if (fs.existsSync(path.join(root, config))) files.push(config);
  return files.sort();
}

export const INPUT_CONFIGS = [
  'stryker.config.mjs',
  'jest.config.js',
  'jest.stryker.config.js',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'scripts/mutation-data.mjs',
];

/** What a timeout's re-run said of a mutant, as Stryker recorded it: the evidence its status rests on. */
export function rerunRecord(mutant) {
  return {
    status: mutant.status,
    killedBy: mutant.killedBy ?? [],
    testsCompleted: mutant.testsCompleted ?? 0,
    statusReason: (mutant.statusReason ?? '').split('\n')[0].slice(0, 200),
  };
}

/**
 * Why a confirmation's status cannot be trusted, or undefined: it must be what its re-run recorded, and the record
 * must hold together (a kill names tests of the run that ran, a survivor ran tests and none killed it).
 */
export function rerunProblem(confirmation, testIds) {
  const { rerun } = confirmation;
  if (!rerun) return 'no record of its re-run';
  if (rerun.status !== confirmation.status) return `its status ${confirmation.status} is not its re-run's ${rerun.status}`;
  if (rerun.status === 'Killed' && (rerun.killedBy.length === 0 || !rerun.killedBy.every((id) => testIds.has(id))))
    return 'a kill that names no test of the run';
  if (rerun.status === 'Survived' && (rerun.killedBy.length > 0 || rerun.testsCompleted === 0))
    return 'a survivor whose record says otherwise';
  return undefined;
}

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

export const incrementalPath = (root, group) => path.join(root, 'mutation', `incremental-${group}.json`);
export const timeoutsPath = (root, group) => path.join(root, 'mutation', `timeouts-${group}.json`);
export const runsPath = (root) => path.join(root, 'mutation', 'runs.json');

export function readJson(file, fallback) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : fallback;
}

/** The group whose patterns cover `file`, if any. */
export function groupOf(file) {
  return Object.keys(GROUPS).find((group) =>
    GROUPS[group].mutate.some((pattern) => {
      const tree = treeOf(pattern);
      return tree === undefined ? file === pattern : file.startsWith(`${tree}/`) && file.endsWith('.ts');
    }),
  );
}
