/**
 * Under Stryker, a mutant's run loads only the test files that hold the tests covering it: the sequencer keeps the
 * files whose recorded test names match jest's test name pattern, and keeps what jest chose whenever it cannot tell.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const requireSequencer = () =>
  require('../support/mutation-sequencer') as new (options: unknown) => { sort(tests: Array<{ path: string }>): Array<{ path: string }> };

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sequencer-'));
  process.env.FINSPACE_MUTATION_TEST_FILES = path.join(dir, 'map.jsonl');
  const map = [
    { name: 'retry backs off (1 s)', path: '/t/retry.test.ts' },
    { name: 'handler answers', path: '/t/handler.test.ts' },
    { name: 'handler answers', path: '/t/guards.test.ts' },
  ];
  fs.writeFileSync(process.env.FINSPACE_MUTATION_TEST_FILES, map.map((e) => JSON.stringify(e)).join('\n'));
  jest.resetModules();
});
afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

const CONTEXT = { config: { cache: false }, hasteFS: { getSize: () => 1 } };
const TESTS = ['/t/retry.test.ts', '/t/handler.test.ts', '/t/guards.test.ts', '/t/other.test.ts'].map((p) => ({
  path: p,
  context: CONTEXT,
}));
const sorted = (testNamePattern: string | undefined) => {
  const Sequencer = requireSequencer();
  const paths = new Sequencer({ contexts: [], globalConfig: { testNamePattern } }).sort(TESTS as never).map((t) => t.path);
  return paths.sort();
};

test('with a mutant active, only the files of the tests the pattern names (a name in two files: both)', () => {
  process.env.__STRYKER_ACTIVE_MUTANT__ = '7';
  expect(sorted('(retry backs off \\(1 s\\))')).toEqual(['/t/retry.test.ts']);
  expect(sorted('(HANDLER answers)|(retry backs off \\(1 s\\))')).toEqual(['/t/guards.test.ts', '/t/handler.test.ts', '/t/retry.test.ts']);
});

test('what it cannot tell runs every file jest chose: no mutant, no pattern, no map, or a name it does not know', () => {
  const all = TESTS.map((t) => t.path).sort();
  delete process.env.__STRYKER_ACTIVE_MUTANT__;
  expect(sorted('(retry backs off \\(1 s\\))')).toEqual(all);
  process.env.__STRYKER_ACTIVE_MUTANT__ = '7';
  expect(sorted(undefined)).toEqual(all);
  expect(sorted('(a test added since)')).toEqual(all);
  fs.rmSync(process.env.FINSPACE_MUTATION_TEST_FILES!);
  expect(sorted('(retry backs off \\(1 s\\))')).toEqual(all);
});
