// Writes mutation/SUMMARY.md from the committed data of the last runs: each group's Stryker incremental file
// (mutation/incremental-<group>.json: every mutant, its status, and the source it was run on), the re-run of its
// timeouts (mutation/timeouts-<group>.json), the runs' dates and times (mutation/runs.json), the reason each survivor
// is left (mutation/reasons.json) and the numbers the README states with the test that observes each
// (mutation/pinned-numbers.json). A timeout counts as a kill only when the re-run confirmed it.
//
// It fails (exit 1), naming what to do, when the data cannot be trusted: a stale run (a file of the group, or a test
// file the run used, changed since), a timeout not re-run on this source and these tests, two mutants with one key, a
// reason that matches no survivor, a survivor without a reason, a pinned number whose sentence or test is gone, or a
// group below its target. A group marked pending in runs.json claims no score. `--check` also fails when SUMMARY.md
// differs from what the data gives (test/readme.test.ts runs it). `--root <dir>` reads another tree (its own tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coveringTestsHash,
  filesOf,
  groupOf,
  GROUPS,
  incrementalPath,
  mutantKey,
  oneLine,
  readJson,
  runsPath,
  sha256,
  timeoutsPath,
} from './mutation-data.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const problems = [];
const reasons = readJson(path.join(root, 'mutation', 'reasons.json'), {});
const pinned = readJson(path.join(root, 'mutation', 'pinned-numbers.json'), []);
const runs = readJson(runsPath(root), {});
// Keys are unique (two mutants with one key fail the summary), so a reason is used once or not at all.
const unusedReasons = new Set(Object.keys(reasons));

function original(source, { start, end }) {
  const lines = source.split('\n').slice(start.line - 1, end.line);
  if (lines.length === 1) return lines[0].slice(start.column - 1, end.column - 1);
  lines[0] = lines[0].slice(start.column - 1);
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, end.column - 1);
  return lines.join('\n');
}

const score = (kills, all) => (all === 0 ? 'n/a' : `${(Math.floor((10000 * kills) / all) / 100).toFixed(2)}%`);
const empty = () => ({ mutants: 0, static: 0, killed: 0, confirmed: 0, unconfirmed: 0, survived: 0, noCoverage: 0 });
const add = (sum, row) => Object.keys(sum).forEach((k) => (sum[k] += row[k]));
const counted = (row) => row.killed + row.confirmed + row.unconfirmed + row.survived + row.noCoverage;

const groupRows = [];
const fileRows = [];
const survivors = [];
for (const [group, { mutate, target, title }] of Object.entries(GROUPS)) {
  // A group whose run on this source has not been made yet says so (runs.json: "pending", with why) and claims no
  // score; `npm run mutate -- <group>` replaces it with the run.
  if (runs[group]?.pending) {
    groupRows.push({ group, title, target, pending: runs[group].pending });
    continue;
  }
  const report = readJson(incrementalPath(root, group));
  if (!report) {
    problems.push(`${title}: no run (mutation/incremental-${group}.json is missing). Run: npm run mutate -- ${group}`);
    continue;
  }
  const timeouts = readJson(timeoutsPath(root, group), {});
  const total = empty();
  const run = runs[group];
  // Stale: a file of the group (one without mutants too) added, removed or changed since the source the run was given,
  // or a test file the run used changed or gone (a test that killed a mutant may no longer).
  const rerun = `Run: npm run mutate -- ${group}`;
  const given = run?.files ?? {};
  const current = filesOf(root, mutate);
  for (const file of current.filter((f) => given[f] === undefined))
    problems.push(`stale run: ${file} was not in the ${group} run. ${rerun}`);
  for (const [file, hash] of Object.entries(given)) {
    const now = fs.existsSync(path.join(root, file)) ? sha256(fs.readFileSync(path.join(root, file), 'utf8')) : undefined;
    if (now !== hash) problems.push(`stale run: ${file} changed since the ${group} run. ${rerun}`);
  }
  for (const [file, { source }] of Object.entries(report.testFiles ?? {})) {
    const now = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined;
    if (now !== source) problems.push(`stale run: the test file ${file} changed since the ${group} run. ${rerun}`);
  }
  const seen = new Set();
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    if (given[file] !== sha256(source)) problems.push(`stale run: ${file} is not the source the ${group} run was given. ${rerun}`);
    const confirmedIn = timeouts[file]?.sha256 === sha256(source) ? timeouts[file].results : {};
    const row = { ...empty(), file };
    for (const mutant of mutants) {
      // As Stryker counts them: ignored mutants and those that broke the run itself (a compile or runtime error) are no score.
      if (['Ignored', 'CompileError', 'RuntimeError'].includes(mutant.status)) continue;
      row.mutants += 1;
      if (mutant.static) row.static += 1;
      const key = mutantKey(file, mutant);
      if (seen.has(key)) problems.push(`two mutants have the key ${JSON.stringify(key)}: make mutantKey tell them apart`);
      seen.add(key);
      let status = mutant.status;
      if (status === 'Timeout') {
        const confirmation = confirmedIn[key];
        const again = confirmation?.tests === coveringTestsHash(report, mutant) ? confirmation.status : undefined;
        if (again === undefined) problems.push(`timeout not re-run: ${key}. ${rerun}`);
        status = again === 'Killed' || again === 'Timeout' ? 'Confirmed' : 'Unconfirmed';
      }
      if (status === 'Killed') row.killed += 1;
      else if (status === 'Confirmed') row.confirmed += 1;
      else if (status === 'Unconfirmed') row.unconfirmed += 1;
      else if (status === 'Survived') row.survived += 1;
      else if (status === 'NoCoverage') row.noCoverage += 1;
      else problems.push(`${key}: status ${status} (a run error). ${rerun}`);
      if (status === 'Survived' || status === 'NoCoverage' || status === 'Unconfirmed') {
        unusedReasons.delete(key);
        survivors.push({ file, key, mutant, status, from: original(source, mutant.location), reason: reasons[key] });
      }
    }
    fileRows.push(row);
    add(total, row);
  }
  const kills = total.killed + total.confirmed;
  if (kills < (target / 100) * counted(total))
    problems.push(`${title} scores ${score(kills, counted(total))}, below its target of ${target}%: add tests for its survivors`);
  groupRows.push({ group, title, target, total, run, kills });
}

const pendingGroups = new Set(groupRows.filter((row) => row.pending).map((row) => row.group));
for (const key of unusedReasons) {
  // A pending group's reasons wait for its run.
  if (pendingGroups.has(groupOf(key.split(':')[0]))) continue;
  problems.push(`stale reason: no surviving mutant has the key ${JSON.stringify(key)}; remove it from mutation/reasons.json`);
}
for (const s of survivors.filter((x) => !x.reason))
  problems.push(`survivor without a reason: ${JSON.stringify(s.key)}: add a test, or a reason`);

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The titles a test file declares (the string right after `test(`, `it(` or `test.each(...)(`), each as a function that
 * tells whether a title is it: a template literal's `${...}` stands for any text.
 */
function testTitles(source) {
  const titles = [...source.matchAll(/(?:\btest|\bit|\))\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)];
  return titles.map(([, quote, text]) => {
    const pattern =
      quote === '`'
        ? text
            .split(/\$\{[^}]*\}/)
            .map(escapeRegExp)
            .join('.+')
        : escapeRegExp(text.replace(/\\(.)/g, '$1'));
    return (title) => new RegExp(`^${pattern}$`).test(title);
  });
}

const readme = fs.existsSync(path.join(root, 'README.md')) ? fs.readFileSync(path.join(root, 'README.md'), 'utf8') : '';
for (const { number, readme: phrase, test } of pinned) {
  if (!readme.includes(phrase)) problems.push(`pinned number ${number}: the README no longer says ${JSON.stringify(phrase)}`);
  const [testFile, title] = test.split(' › ');
  const testPath = path.join(root, testFile);
  if (!fs.existsSync(testPath) || !testTitles(fs.readFileSync(testPath, 'utf8')).some((matches) => matches(title)))
    problems.push(`pinned number ${number}: no test ${JSON.stringify(test)}`);
}

const out = [];
const code = (text) => `\`${oneLine(text).replace(/`/g, "'")}\``;
out.push('# Mutation testing summary', '');
out.push(
  'StrykerJS (`npm run mutate`) over every statement of `lambda/`, `lib/` and the emulator with its oracles ' +
    '(`testing/finspace-emulator.ts`, `testing/sigv4.ts`, `testing/response-receiver.ts`), static mutants (module-level ' +
    'constants) included. A mutant counts as killed when a test failed; a timed-out mutant counts only when a re-run, ' +
    'on one runner per core with three times the time, timed out or failed again (confirmed). Score = killed and ' +
    'confirmed over all mutants; survivors, unconfirmed timeouts and mutants no test runs count against it.',
  '',
);
out.push(
  '| scope | mutants (static) | killed | timed out, confirmed | timed out, not confirmed | survived | no coverage | score | target | run |',
  '|---|---|---|---|---|---|---|---|---|---|',
);
for (const { title, target, total, run, kills, pending } of groupRows) {
  if (pending) {
    out.push(`| ${title} | | | | | | | **not measured on this source** | ${target}% | ${pending} |`);
    continue;
  }
  const when = run
    ? `${run.date}, ${run.mode}: ${run.minutes} min (${run.tested} of ${total.mutants} mutants run), timeouts re-run: ${run.confirmMinutes} min`
    : 'not recorded';
  out.push(
    `| ${title} | ${total.mutants} (${total.static}) | ${total.killed} | ${total.confirmed} | ${total.unconfirmed} | ${total.survived} | ` +
      `${total.noCoverage} | ${score(kills, counted(total))} | ${target}% | ${when} |`,
  );
}
out.push(
  '',
  '| file | mutants (static) | killed | timed out, confirmed | timed out, not confirmed | survived | no coverage | score |',
  '|---|---|---|---|---|---|---|---|',
);
for (const r of fileRows)
  out.push(
    `| \`${r.file}\` | ${r.mutants} (${r.static}) | ${r.killed} | ${r.confirmed} | ${r.unconfirmed} | ${r.survived} | ${r.noCoverage} | ` +
      `${score(r.killed + r.confirmed, counted(r))} |`,
  );
out.push('', '## Numbers the README states about the handler, and the test that observes each', '');
out.push('| number | as the README says it | observed by |', '|---|---|---|');
for (const { number, readme: phrase, test } of pinned) out.push(`| ${number} | ${code(phrase)} | ${code(test)} |`);
out.push('', `## Surviving mutants (${survivors.length})`, '');
out.push(
  'Each with its key in `mutation/reasons.json` (file:line:column, mutator, replacement) and the reason it is left: ' +
    'equivalent (no behaviour can tell it apart) or not worth a test (what it would guard is guarded elsewhere, or cannot happen).',
);
let file;
for (const s of survivors) {
  if (s.file !== file) {
    file = s.file;
    out.push('', `### \`${file}\``, '');
  }
  const status = { NoCoverage: ' (no test runs it)', Unconfirmed: ' (timed out, not confirmed by the re-run)' }[s.status] ?? '';
  out.push(`- ${code(s.key)}${status}, from ${code(s.from)}. ${s.reason ?? '**No reason recorded.**'}`);
}
const summary = `${out.join('\n')}\n`;
const summaryPath = path.join(root, 'mutation', 'SUMMARY.md');
if (check) {
  const committed = fs.existsSync(summaryPath) ? fs.readFileSync(summaryPath, 'utf8') : '';
  if (committed !== summary) problems.push('mutation/SUMMARY.md is not what the data gives. Run: node scripts/mutation-summary.mjs');
} else {
  fs.writeFileSync(summaryPath, summary);
}
for (const { title, total, kills, pending } of groupRows)
  console.log(`${title}: ${pending ? 'not measured on this source' : score(kills, counted(total))}`);
if (problems.length > 0) {
  console.error(`mutation data: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`mutation data: ${survivors.length} survivors, each with a reason; every timeout counted was confirmed`);
