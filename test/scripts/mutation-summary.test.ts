/**
 * The mutation summary can be trusted only if its script refuses data that no longer describes the code: a run on
 * other source (stale), a timeout nobody re-ran, a reason that matches no survivor or several, a survivor without a
 * reason, a group below its target. Each is tried on a small tree of its own, through the script as `npm run mutate`
 * runs it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'mutation-summary.mjs');
const SOURCE = 'export const limit = (n: number) => n > 3;\n';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Mutant {
  id: string;
  mutatorName: string;
  replacement: string;
  status: string;
  static?: boolean;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
const at = (column: number, endColumn: number) => ({ start: { line: 1, column }, end: { line: 1, column: endColumn } });
const killed = (id: number): Mutant => ({
  id: `k${id}`,
  mutatorName: 'BooleanLiteral',
  replacement: 'true',
  status: 'Killed',
  location: at(1 + id, 42),
});
const SURVIVOR: Mutant = { id: 's', mutatorName: 'EqualityOperator', replacement: 'n >= 3', status: 'Survived', location: at(37, 42) };
const SURVIVOR_KEY = 'lambda/limit.ts:1:37-1:42 EqualityOperator n >= 3';
const TIMEOUT: Mutant = { id: 't', mutatorName: 'ArrowFunction', replacement: '() => undefined', status: 'Timeout', location: at(22, 42) };
const TIMEOUT_KEY = 'lambda/limit.ts:1:22-1:42 ArrowFunction () => undefined';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-summary-'));
  const files: Record<string, string> = {
    'lambda/limit.ts': SOURCE,
    'lib/rules.ts': SOURCE,
    'testing/finspace-emulator.ts': SOURCE,
    'testing/sigv4.ts': SOURCE,
    'testing/response-receiver.ts': SOURCE,
    'README.md': 'Each attempt has its own 10 s timeout.\n',
    'test/limit.test.ts': "test('ten seconds per attempt', () => {});\n",
    'lib/index.ts': "export * from './rules';\n",
    'mutation/.keep': '',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const kills = Array.from({ length: 18 }, (_, i) => killed(i));
  write('lambda', { 'lambda/limit.ts': [...kills, SURVIVOR, TIMEOUT] }, { 'lambda/limit.ts': { [TIMEOUT_KEY]: 'Timeout' } });
  write('lib', { 'lib/rules.ts': kills.slice(0, 10) });
  write('emulator', {
    'testing/finspace-emulator.ts': kills.slice(0, 4),
    'testing/sigv4.ts': kills.slice(0, 4),
    'testing/response-receiver.ts': kills.slice(0, 4),
  });
  json('mutation/reasons.json', { [SURVIVOR_KEY]: 'Equivalent: n is never 3.' });
  json('mutation/pinned-numbers.json', [
    { number: '10 s', readme: 'its own 10 s timeout', test: 'test/limit.test.ts › ten seconds per attempt' },
  ]);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function json(file: string, value: unknown) {
  fs.writeFileSync(path.join(root, file), JSON.stringify(value));
}
const TEST_FILES = {
  'test/limit.test.ts': { tests: [{ id: '0', name: 'ten seconds per attempt' }], source: "test('ten seconds per attempt', () => {});\n" },
};
/** The hash scripts/mutation-data.mjs gives the covering test files of a mutant covered by test 0. */
const TESTS_HASH = sha256(`test/limit.test.ts\n${TEST_FILES['test/limit.test.ts'].source}`);
function write(group: string, mutated: Record<string, Mutant[]>, confirmed: Record<string, Record<string, string>> = {}) {
  const files = Object.fromEntries(
    Object.entries(mutated).map(([file, mutants]) => [
      file,
      { language: 'typescript', source: SOURCE, mutants: mutants.map((m) => ({ ...m, coveredBy: ['0'] })) },
    ]),
  );
  json(`mutation/incremental-${group}.json`, { schemaVersion: '2', files, testFiles: TEST_FILES });
  json(
    `mutation/timeouts-${group}.json`,
    Object.fromEntries(
      Object.keys(mutated).map((file) => [
        file,
        {
          sha256: sha256(SOURCE),
          results: Object.fromEntries(Object.entries(confirmed[file] ?? {}).map(([key, status]) => [key, { status, tests: TESTS_HASH }])),
        },
      ]),
    ),
  );
  const given: Record<string, string> = Object.fromEntries(Object.keys(mutated).map((file) => [file, sha256(SOURCE)]));
  if (group === 'lib') given['lib/index.ts'] = sha256("export * from './rules';\n");
  const runs = fs.existsSync(path.join(root, 'mutation/runs.json')) ? JSON.parse(read('mutation/runs.json')) : {};
  runs[group] = { date: '2026-12-02', mode: 'full', minutes: 7, tested: 20, confirmMinutes: 1, files: given };
  json('mutation/runs.json', runs);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON files' shapes are Stryker's
function edit(file: string, change: (value: any) => void) {
  const value = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  change(value);
  json(file, value);
}
function summary(...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, '--root', root, ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}`, written: read('mutation/SUMMARY.md') };
}
const read = (file: string) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : '');

test('sound data: written, then checked; killed and confirmed timeouts apart, each survivor with its key and reason', () => {
  const written = summary();
  expect(written.status).toBe(0);
  expect(written.out).toContain('`lambda/`: 95.00%');
  expect(written.written).toContain('| `lambda/` | 20 (0) | 18 | 1 | 0 | 1 | 0 | 95.00% | 90% |');
  expect(written.written).toContain(`\`${SURVIVOR_KEY}\`, from \`n > 3\`. Equivalent: n is never 3.`);
  expect(written.written).toContain('| 10 s | `its own 10 s timeout` | `test/limit.test.ts › ten seconds per attempt` |');
  expect(summary('--check').status).toBe(0);
});

test('--check fails when SUMMARY.md says anything else than the data', () => {
  summary();
  fs.writeFileSync(path.join(root, 'mutation/SUMMARY.md'), read('mutation/SUMMARY.md').replace('95.00%', '99.00%'));
  expect(summary('--check')).toMatchObject({ status: 1, out: expect.stringContaining('SUMMARY.md is not what the data gives') });
});

test('a mutated file that changed since its run makes the run stale', () => {
  fs.appendFileSync(path.join(root, 'lambda/limit.ts'), '// changed\n');
  expect(summary()).toMatchObject({
    status: 1,
    out: expect.stringContaining('stale run: lambda/limit.ts changed since the lambda run. Run: npm run mutate -- lambda'),
  });
});

test('a file of a group that was not in its run makes the run stale', () => {
  fs.writeFileSync(path.join(root, 'lib/new.ts'), SOURCE);
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining('stale run: lib/new.ts was not in the lib run') });
});

test('a timeout counts only when its re-run confirmed it; one not re-run is named', () => {
  edit('mutation/timeouts-lambda.json', (t) => (t['lambda/limit.ts'].results[TIMEOUT_KEY].status = 'Survived'));
  const unconfirmed = summary();
  // 18 of 20: the unconfirmed timeout is a survivor, and needs a reason like any other.
  expect(unconfirmed.out).toContain('`lambda/`: 90.00%');
  expect(unconfirmed.out).toContain(`survivor without a reason: ${JSON.stringify(TIMEOUT_KEY)}`);
  edit('mutation/timeouts-lambda.json', (t) => (t['lambda/limit.ts'].results = {}));
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`timeout not re-run: ${TIMEOUT_KEY}`) });
  // A confirmation made on other source does not count either.
  edit(
    'mutation/timeouts-lambda.json',
    (t) => (t['lambda/limit.ts'] = { sha256: sha256('other'), results: { [TIMEOUT_KEY]: { status: 'Timeout', tests: TESTS_HASH } } }),
  );
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`timeout not re-run: ${TIMEOUT_KEY}`) });
  // Nor one made with other covering tests.
  edit(
    'mutation/timeouts-lambda.json',
    (t) => (t['lambda/limit.ts'] = { sha256: sha256(SOURCE), results: { [TIMEOUT_KEY]: { status: 'Timeout', tests: 'other' } } }),
  );
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`timeout not re-run: ${TIMEOUT_KEY}`) });
});

test('a reason that matches no survivor is stale; a survivor without a reason is named', () => {
  edit('mutation/reasons.json', (r) => {
    r['lambda/limit.ts:1:38-1:42 EqualityOperator n >= 3'] = r[SURVIVOR_KEY];
    delete r[SURVIVOR_KEY];
  });
  const run = summary();
  expect(run.status).toBe(1);
  expect(run.out).toContain('stale reason: no surviving mutant has the key "lambda/limit.ts:1:38-1:42 EqualityOperator n >= 3"');
  expect(run.out).toContain(`survivor without a reason: ${JSON.stringify(SURVIVOR_KEY)}`);
});

test('two mutants with one key fail the summary, whatever their status', () => {
  edit('mutation/incremental-lambda.json', (r) => r.files['lambda/limit.ts'].mutants.push({ ...SURVIVOR, id: 's2', status: 'Killed' }));
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`two mutants have the key ${JSON.stringify(SURVIVOR_KEY)}`) });
});

test('a file of a group without mutants is part of the run too: stale when it changes, not before', () => {
  expect(summary().status).toBe(0);
  fs.appendFileSync(path.join(root, 'lib/index.ts'), '// changed\n');
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining('stale run: lib/index.ts changed since the lib run') });
});

test('a test file the run used that changed or is gone makes the run stale', () => {
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), "test('ten seconds per attempt', () => { expect(1).toBe(1); });\n");
  expect(summary()).toMatchObject({
    status: 1,
    out: expect.stringContaining('stale run: the test file test/limit.test.ts changed since the lambda run'),
  });
  fs.rmSync(path.join(root, 'test/limit.test.ts'));
  expect(summary()).toMatchObject({
    status: 1,
    out: expect.stringContaining('stale run: the test file test/limit.test.ts changed since the lambda run'),
  });
});

test('a group below its target fails, with its score', () => {
  edit(
    'mutation/incremental-emulator.json',
    (r) => (r.files['testing/sigv4.ts'].mutants = Array(4).fill({ ...SURVIVOR, replacement: 'x' })),
  );
  const run = summary();
  expect(run.status).toBe(1);
  expect(run.out).toContain('the emulator scores 66.66%, below its target of 80%');
});

test('a pinned number whose README sentence or test is gone fails', () => {
  fs.writeFileSync(path.join(root, 'README.md'), 'Each attempt has its own 20 s timeout.\n');
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), '// ten seconds per attempt\n');
  const run = summary();
  expect(run.out).toContain('pinned number 10 s: the README no longer says "its own 10 s timeout"');
  expect(run.out).toContain('pinned number 10 s: no test "test/limit.test.ts › ten seconds per attempt"');
});

test('a group without a run is named', () => {
  fs.rmSync(path.join(root, 'mutation/incremental-lib.json'));
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining('`lib/`: no run (mutation/incremental-lib.json is missing)') });
});

test('a group whose run on this source is pending says so, with why, and claims no score', () => {
  edit('mutation/runs.json', (r) => (r.lambda = { pending: 'a full run takes 2 h here' }));
  fs.appendFileSync(path.join(root, 'lambda/limit.ts'), '// changed\n');
  const run = summary();
  expect(run.status).toBe(0);
  expect(run.out).toContain('`lambda/`: not measured on this source');
  expect(run.written).toContain('| `lambda/` | | | | | | | **not measured on this source** | 90% | a full run takes 2 h here |');
});

test('a pinned test may be one whose title is a template literal: its ${...} parts stand for any text', () => {
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), 'const S = 10;\ntest(`${S} seconds per attempt`, () => {});\n');
  edit('mutation/pinned-numbers.json', (p) => (p[0].test = 'test/limit.test.ts › 10 seconds per attempt'));
  expect(summary().out).not.toContain('pinned number');
  edit('mutation/pinned-numbers.json', (p) => (p[0].test = 'test/limit.test.ts › 10 minutes per attempt'));
  expect(summary().out).toContain('pinned number 10 s: no test "test/limit.test.ts › 10 minutes per attempt"');
});
