/**
 * An incremental mutation run re-runs the static mutants that were not killed (Stryker would reuse them even after a
 * test was added to kill them, as a static mutant has no per-test coverage), and keeps every other result.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const DATA = path.join(__dirname, '..', '..', 'scripts', 'mutation-data.mjs');

test('static mutants that survived, timed out or had no test are forgotten; killed static and all others are kept', () => {
  const mutant = (id: string, status: string, isStatic: boolean) => ({ id, status, static: isStatic });
  const report = {
    files: {
      'lambda/a.ts': { mutants: [mutant('1', 'Survived', true), mutant('2', 'Killed', true), mutant('3', 'Survived', false)] },
      'lambda/b.ts': { mutants: [mutant('4', 'Timeout', true), mutant('5', 'NoCoverage', true), mutant('6', 'Timeout', false)] },
    },
  };
  const script = `import { forgetStaticSurvivors } from ${JSON.stringify(DATA)};
    const report = JSON.parse(process.argv[1]);
    const forgotten = forgetStaticSurvivors(report);
    console.log(JSON.stringify({ forgotten, kept: Object.values(report.files).map((f) => f.mutants.map((m) => m.id)) }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(report)], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ forgotten: 3, kept: [['2', '3'], ['6']] });
});
