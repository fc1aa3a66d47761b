/**
 * Mutation testing is a gate where it belongs: not in `npm test`, but in a workflow that runs `npm run mutate` on a
 * schedule and before every release, with Stryker's incremental files cached between runs. actionlint checks both
 * workflows in `npm run test:languages`; these tests pin what the workflows promise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const workflows = path.join(__dirname, '..', '..', '.github', 'workflows');
const mutation = fs.readFileSync(path.join(workflows, 'mutation.yml'), 'utf8');
const release = fs.readFileSync(path.join(workflows, 'release.yml'), 'utf8');
/** The lines of a top-level key's block (up to the next line that is not indented). */
const block = (text: string, key: string) => text.split(`\n${key}:\n`)[1].split(/\n(?=\S)/)[0];

test('the mutation workflow runs npm run mutate weekly, on demand and when called, and keeps the incremental files', () => {
  const on = block(mutation, 'on');
  expect(on).toMatch(/^ {2}schedule:\n {4}- cron: '[^']+'$/m);
  expect(on).toMatch(/^ {2}workflow_dispatch:$/m);
  expect(on).toMatch(/^ {2}workflow_call:$/m);
  expect(mutation).toMatch(/^ {6}- run: npm run mutate$/m);
  // Restored before the run, saved after it even when the gate failed.
  expect(mutation).toMatch(/uses: actions\/cache\/restore@v\d+\n\s+with:\n\s+path: mutation\/incremental-\*\.json/);
  expect(mutation).toMatch(/if: always\(\)\n\s+uses: actions\/cache\/save@v\d+\n\s+with:\n\s+path: mutation\/incremental-\*\.json/);
  expect(mutation.indexOf('cache/restore')).toBeLessThan(mutation.indexOf('- run: npm run mutate'));
  expect(mutation.indexOf('- run: npm run mutate')).toBeLessThan(mutation.indexOf('cache/save'));
});

test('a release on a version tag requires the mutation gate before it packages anything', () => {
  expect(block(release, 'on')).toContain("tags: ['v*.*.*']");
  const jobs = block(release, 'jobs');
  expect(jobs).toMatch(/^ {2}mutation:\n {4}uses: \.\/\.github\/workflows\/mutation\.yml$/m);
  expect(jobs).toMatch(/^ {2}package:\n {4}needs: mutation$/m);
  // Every publishing job needs the package job, so none runs without the gate.
  for (const job of ['npm', 'pypi', 'maven', 'nuget', 'go']) expect(jobs).toMatch(new RegExp(`^ {2}${job}:\\n {4}needs: package$`, 'm'));
});
