/**
 * The mutation summary as `npm run mutate` (the gate) and `npm test` (--check) run it, each on a small tree of its
 * own. The gate refuses a group below target, a survivor without a reason, a timeout nobody re-ran, a disable comment
 * that disables nothing; both refuse data that cannot be trusted (a confirmation that is not its re-run's record, two
 * mutants with one key, a pinned number whose sentence or test is gone). A run older than the code fails neither: the
 * summary says which commit it measured and what changed since.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'mutation-summary.mjs');
const DATA = path.join(__dirname, '..', '..', 'scripts', 'mutation-data.mjs');
/** The files of the emulator group, as scripts/mutation-data.mjs names them. */
const EMULATOR_FILES: string[] = JSON.parse(
  spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { GROUPS } from ${JSON.stringify(DATA)}; console.log(JSON.stringify(GROUPS.emulator.mutate));`],
    { encoding: 'utf8' },
  ).stdout,
);
const REASON = 'Equivalent: n is never 3 (callers pass 1 or 5).';
const SOURCE = `// Stryker disable next-line EqualityOperator: ${REASON}\nexport const limit = (n: number) => n > 3;\n`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Mutant {
  id: string;
  mutatorName: string;
  replacement: string;
  status: string;
  statusReason?: string;
  static?: boolean;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
const at = (column: number, endColumn: number) => ({ start: { line: 2, column }, end: { line: 2, column: endColumn } });
const killed = (id: number): Mutant => ({
  id: `k${id}`,
  mutatorName: 'BooleanLiteral',
  replacement: 'true',
  status: 'Killed',
  location: at(1 + id, 42),
});
const LEFT: Mutant = {
  id: 'i',
  mutatorName: 'EqualityOperator',
  replacement: 'n >= 3',
  status: 'Ignored',
  statusReason: REASON,
  location: at(37, 42),
};
const SURVIVOR: Mutant = { id: 's', mutatorName: 'ConditionalExpression', replacement: 'true', status: 'Survived', location: at(37, 42) };
const SURVIVOR_KEY = 'lambda/limit.ts:2:37-2:42 ConditionalExpression true';
const TIMEOUT: Mutant = { id: 't', mutatorName: 'ArrowFunction', replacement: '() => undefined', status: 'Timeout', location: at(22, 42) };
const TIMEOUT_KEY = 'lambda/limit.ts:2:22-2:42 ArrowFunction () => undefined';
const RERUN_KILL = { status: 'Killed', killedBy: ['0'], testsCompleted: 1, statusReason: 'Error: expected' };

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-summary-'));
  const files: Record<string, string> = {
    'lambda/limit.ts': SOURCE,
    'lib/rules.ts': SOURCE,
    ...Object.fromEntries(EMULATOR_FILES.map((file) => [file, SOURCE])),
    'README.md': 'Each attempt has its own 10 s timeout.\n',
    'test/limit.test.ts': "test('ten seconds per attempt', () => {});\n",
    'test/support/helper.ts': 'export const helper = 1;\n',
    'lib/index.ts': "export * from './rules';\n",
    'package-lock.json': '{}\n',
    'mutation/.keep': '',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const kills = Array.from({ length: 18 }, (_, i) => killed(i));
  write('lambda', { 'lambda/limit.ts': [...kills, LEFT, TIMEOUT] }, { 'lambda/limit.ts': { [TIMEOUT_KEY]: RERUN_KILL } });
  write('lib', { 'lib/rules.ts': [...kills.slice(0, 10), LEFT] });
  write('emulator', Object.fromEntries(EMULATOR_FILES.map((file) => [file, [...kills.slice(0, 4), LEFT]])));
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
function write(group: string, mutated: Record<string, Mutant[]>, confirmed: Record<string, Record<string, typeof RERUN_KILL>> = {}) {
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
          results: Object.fromEntries(
            Object.entries(confirmed[file] ?? {}).map(([key, rerun]) => [key, { status: rerun.status, tests: TESTS_HASH, rerun }]),
          ),
        },
      ]),
    ),
  );
  const given: Record<string, string> = Object.fromEntries(Object.keys(mutated).map((file) => [file, sha256(SOURCE)]));
  if (group === 'lib') given['lib/index.ts'] = sha256("export * from './rules';\n");
  const runs = fs.existsSync(path.join(root, 'mutation/runs.json')) ? JSON.parse(read('mutation/runs.json')) : {};
  const inputs = Object.fromEntries(
    ['test/limit.test.ts', 'test/support/helper.ts', 'package-lock.json', 'lib/index.ts', 'lib/rules.ts', 'lambda/limit.ts']
      .concat(EMULATOR_FILES)
      .map((file) => [file, sha256(read(file))]),
  );
  const full = { date: '2026-11-30', commit: 'a'.repeat(40), uncommitted: false, mode: 'full', minutes: 40, mutants: 20 };
  const last = { ...full, date: '2026-12-02', commit: 'b'.repeat(40), mode: 'incremental', minutes: 7, tested: 3, confirmMinutes: 1 };
  runs[group] = { files: given, inputs, history: [{ ...full, tested: 20, confirmMinutes: 6 }, last] };
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

test('sound data: written, then checked; what is killed, confirmed and left with its reason apart; the run is current', () => {
  const written = summary();
  expect(written.out).toContain('every group on target');
  expect(written.status).toBe(0);
  // 18 killed and 1 confirmed of 20: the mutant left with a reason counts against the score.
  expect(written.out).toContain('`lambda/`: 95.00%');
  expect(written.written).toContain('| `lambda/` | 20 (0) | 18 | 1 | 0 | 0 | 0 | 1 | 0 | 95.00% | 90% |');
  expect(written.written).toContain(`- line 2, EqualityOperator \`n >= 3\` for \`n > 3\`: ${REASON}`);
  expect(written.written).toContain('2026-12-02, incremental: 7 min (3 of 20 mutants run), timeouts re-run: 1 min');
  expect(written.written).toContain('2026-11-30, full: 40 min (20 of 20 mutants run), timeouts re-run: 6 min');
  expect(written.written).toContain(`- \`lambda/\`: measured on commit ${'b'.repeat(12)}, 2026-12-02: **current**.`);
  expect(written.written).toContain('| 10 s | `its own 10 s timeout` | `test/limit.test.ts › ten seconds per attempt` |');
  expect(summary('--check')).toMatchObject({ status: 0, out: expect.stringContaining('mutation data: can be trusted') });
});

test('--check fails when SUMMARY.md states other figures than the data', () => {
  summary();
  fs.writeFileSync(path.join(root, 'mutation/SUMMARY.md'), read('mutation/SUMMARY.md').replace('95.00%', '99.00%'));
  expect(summary('--check')).toMatchObject({ status: 1, out: expect.stringContaining('SUMMARY.md is not what the data gives') });
});

test('code, tests, helpers and the lock file changed since the run: stale, said with the files, and a failure of neither mode', () => {
  summary();
  fs.appendFileSync(path.join(root, 'lambda/limit.ts'), '// a comment\n');
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), "test('ten seconds per attempt', () => { expect(1).toBe(1); });\n");
  fs.appendFileSync(path.join(root, 'test/support/helper.ts'), '// changed\n');
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{ "changed": true }\n');
  fs.writeFileSync(path.join(root, 'lib/new.ts'), SOURCE);
  // Checked before SUMMARY.md is written again: its figures still hold.
  expect(summary('--check')).toMatchObject({ status: 0 });
  const gate = summary();
  expect(gate.status).toBe(0);
  expect(gate.out).toContain('`lambda/`: the run is older than this tree');
  expect(gate.written).toContain('- `lambda/`: measured on commit bbbbbbbbbbbb, 2026-12-02: **stale**.');
  expect(gate.written).toContain('  Mutated files changed since: `lambda/limit.ts`.');
  expect(gate.written).toMatch(
    /Tests, helpers and configs changed since: .*`package-lock.json`.*`test\/limit.test.ts`.*`test\/support\/helper.ts`/,
  );
  expect(gate.written).toContain('Mutated files changed since: `lib/new.ts (added)`');
  expect(summary('--check').status).toBe(0);
});

test('a timeout counts only when its re-run confirmed it; one not re-run fails the gate', () => {
  edit('mutation/timeouts-lambda.json', (t) => {
    const c = t['lambda/limit.ts'].results[TIMEOUT_KEY];
    c.status = c.rerun.status = 'Survived';
    c.rerun.killedBy = [];
  });
  const unconfirmed = summary();
  // 18 of 20: the unconfirmed timeout is a survivor, and needs a reason like any other.
  expect(unconfirmed.out).toContain('`lambda/`: 90.00%');
  expect(unconfirmed.out).toContain(`survivor without a reason: ${JSON.stringify(TIMEOUT_KEY)}`);
  edit('mutation/timeouts-lambda.json', (t) => (t['lambda/limit.ts'].results = {}));
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`timeout not re-run: ${TIMEOUT_KEY}`) });
  expect(summary('--check').status).toBe(0);
  // A confirmation made on other source does not count, nor one made with other covering tests.
  for (const [source, tests] of [
    ['other', TESTS_HASH],
    [SOURCE, 'x'],
  ]) {
    const confirmation = { status: 'Killed', tests, rerun: RERUN_KILL };
    edit(
      'mutation/timeouts-lambda.json',
      (t) => (t['lambda/limit.ts'] = { sha256: sha256(source), results: { [TIMEOUT_KEY]: confirmation } }),
    );
    expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining(`timeout not re-run: ${TIMEOUT_KEY}`) });
  }
});

/** A confirmation as timeouts-<group>.json keeps it. */
type Confirmation = { status: string; rerun?: { status: string; killedBy: string[] } };
test.each([
  ['a status edited by hand', (c: Confirmation) => (c.status = 'Killed'), 'is not its re-run'],
  ['a status edited with its record', (c: Confirmation) => (c.status = c.rerun!.status = 'Killed'), 'a kill that names no test of the run'],
  ['no record at all', (c: Confirmation) => delete c.rerun, 'no record of its re-run'],
])('a confirmation that is not what its re-run recorded fails both modes: %s', (_case, change, problem) => {
  edit('mutation/timeouts-lambda.json', (t) => {
    const c = t['lambda/limit.ts'].results[TIMEOUT_KEY];
    c.status = c.rerun.status = 'Survived';
    c.rerun.killedBy = [];
    change(c);
  });
  for (const mode of [[], ['--check']]) expect(summary(...mode)).toMatchObject({ status: 1, out: expect.stringContaining(problem) });
});

test('a survivor without a reason fails the gate, named with what to write; --check does not fail on it', () => {
  edit('mutation/incremental-lambda.json', (r) => r.files['lambda/limit.ts'].mutants.push(SURVIVOR));
  const run = summary();
  expect(run.status).toBe(1);
  expect(run.out).toContain(
    `survivor without a reason: ${JSON.stringify(SURVIVOR_KEY)}: add a test that kills it, or a "// Stryker disable next-line ConditionalExpression: <reason>"`,
  );
  expect(run.written).toContain('## Survivors without a reason (1)');
  expect(summary('--check').status).toBe(0);
});

test('a disable comment that disables nothing (its mutant gone, or the comment moved) fails the gate', () => {
  const moved = `${SOURCE}// Stryker disable next-line StringLiteral: no string here\nexport const other = 1;\n`;
  fs.writeFileSync(path.join(root, 'lambda/limit.ts'), moved);
  edit('mutation/incremental-lambda.json', (r) => (r.files['lambda/limit.ts'].source = moved));
  edit('mutation/timeouts-lambda.json', (t) => (t['lambda/limit.ts'].sha256 = sha256(moved)));
  edit('mutation/runs.json', (r) => (r.lambda.files['lambda/limit.ts'] = sha256(moved)));
  const run = summary();
  expect(run.status).toBe(1);
  expect(run.out).toContain('lambda/limit.ts:3: this Stryker disable comment disables no mutant of line 4');
  expect(run.out).not.toContain('lambda/limit.ts:1:');
});

test('mutants that broke the run are shown per file and are no score', () => {
  edit('mutation/incremental-lambda.json', (r) =>
    r.files['lambda/limit.ts'].mutants.push(
      { ...SURVIVOR, id: 'e', status: 'RuntimeError' },
      { ...SURVIVOR, id: 'c', status: 'CompileError' },
    ),
  );
  const run = summary();
  expect(run.out).toContain('`lambda/`: 95.00%');
  expect(run.written).toContain('| `lambda/limit.ts` | 20 (0) | 18 | 1 | 0 | 0 | 0 | 1 | 2 | 95.00% |');
});

test('two mutants with one key fail both modes, whatever their status', () => {
  edit('mutation/incremental-lambda.json', (r) =>
    r.files['lambda/limit.ts'].mutants.push({ ...SURVIVOR, status: 'Killed' }, { ...SURVIVOR, id: 's2', status: 'Killed' }),
  );
  for (const mode of [[], ['--check']])
    expect(summary(...mode)).toMatchObject({
      status: 1,
      out: expect.stringContaining(`two mutants have the key ${JSON.stringify(SURVIVOR_KEY)}`),
    });
});

test('a group below its target fails the gate, with its score; --check does not', () => {
  // One mutant killed and one left with a reason in each of its files.
  edit('mutation/incremental-emulator.json', (r) => EMULATOR_FILES.forEach((file) => (r.files[file].mutants = [killed(0), LEFT])));
  const run = summary();
  expect(run.status).toBe(1);
  expect(run.out).toContain('the emulator scores 50.00%, below its target of 80%');
  expect(summary('--check').status).toBe(0);
});

test('a pinned number whose README sentence or test is gone fails', () => {
  fs.writeFileSync(path.join(root, 'README.md'), 'Each attempt has its own 20 s timeout.\n');
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), '// ten seconds per attempt\n');
  const run = summary('--check');
  expect(run.out).toContain('pinned number 10 s: the README no longer says "its own 10 s timeout"');
  expect(run.out).toContain('pinned number 10 s: no test "test/limit.test.ts › ten seconds per attempt"');
});

test('a group without a run is named', () => {
  fs.rmSync(path.join(root, 'mutation/incremental-lib.json'));
  expect(summary()).toMatchObject({ status: 1, out: expect.stringContaining('`lib/`: no run (mutation/incremental-lib.json is missing)') });
});

test('a pinned test may be one whose title is a template literal: its ${...} parts stand for any text', () => {
  fs.writeFileSync(path.join(root, 'test/limit.test.ts'), 'const S = 10;\ntest(`${S} seconds per attempt`, () => {});\n');
  edit('mutation/pinned-numbers.json', (p) => (p[0].test = 'test/limit.test.ts › 10 seconds per attempt'));
  expect(summary().out).not.toContain('pinned number');
  edit('mutation/pinned-numbers.json', (p) => (p[0].test = 'test/limit.test.ts › 10 minutes per attempt'));
  expect(summary().out).toContain('pinned number 10 s: no test "test/limit.test.ts › 10 minutes per attempt"');
});
