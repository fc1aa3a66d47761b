// Writes mutation/SUMMARY.md from the committed data of the last runs: each group's Stryker incremental file
// (mutation/incremental-<group>.json: every mutant, its status, the reason a `// Stryker disable next-line` comment
// gave, and the source it was run on), the re-run of its timeouts (mutation/timeouts-<group>.json), the runs
// (mutation/runs.json) and the numbers the README states with the test that observes each
// (mutation/pinned-numbers.json). A timeout counts as a kill only when its re-run confirmed it.
//
// Two modes. As `npm run mutate` runs it (the gate), it fails (exit 1), naming what to do, on a group below its target,
// a survivor without a reason, a timeout not re-run, a disable comment that disables nothing, and any of the below.
// With `--check` (npm test) it fails only on data that cannot be trusted whatever the code is (a confirmation that is
// not what its re-run recorded, two mutants with one key, a pinned number whose sentence or test is gone) and on a
// SUMMARY.md whose figures are not what the data gives. A run older than the code is never a failure: SUMMARY.md says
// which commit it measured and what changed since. `--root <dir>` reads another tree (its own tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coveringTestsHash,
  filesOf,
  GROUPS,
  incrementalPath,
  inputsOf,
  mutantKey,
  oneLine,
  readJson,
  rerunProblem,
  runsPath,
  sha256,
  timeoutsPath,
} from './mutation-data.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Problems that fail both modes, and those that fail only the gate. */
const problems = [];
const gateProblems = [];
const pinned = readJson(path.join(root, 'mutation', 'pinned-numbers.json'), []);
const runs = readJson(runsPath(root), {});
const readText = (file) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined);

function original(source, { start, end }) {
  const lines = source.split('\n').slice(start.line - 1, end.line);
  if (lines.length === 1) return lines[0].slice(start.column - 1, end.column - 1);
  lines[0] = lines[0].slice(start.column - 1);
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, end.column - 1);
  return lines.join('\n');
}

/**
 * The lines a `// Stryker disable next-line <mutators>: <reason>` comment of `source` applies to (Stryker: the line
 * where the code after it starts), each with its mutators, lower case.
 */
function directivesIn(source) {
  const lines = source.split('\n');
  const directives = [];
  lines.forEach((text, index) => {
    const match = /^\s*\/\/ Stryker disable next-line ([a-zA-Z, ]+)(?::|$)/.exec(text);
    if (!match) return;
    let target = index + 1;
    while (target < lines.length && /^\s*\/\//.test(lines[target])) target++;
    directives.push({ line: index + 1, target: target + 1, mutators: match[1].split(',').map((m) => m.trim().toLowerCase()) });
  });
  return directives;
}

const score = (kills, all) => (all === 0 ? 'n/a' : `${(Math.floor((10000 * kills) / all) / 100).toFixed(2)}%`);
const empty = () => ({ mutants: 0, static: 0, killed: 0, confirmed: 0, unconfirmed: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 });
const add = (sum, row) => Object.keys(sum).forEach((k) => (sum[k] += row[k]));
/** Every mutant counts: one left with a reason counts against the score as a survivor does. */
const counted = (row) => row.killed + row.confirmed + row.unconfirmed + row.survived + row.noCoverage + row.ignored;

/** The runs of a group, oldest first (runs.json before it kept a history held only the last). */
const historyOf = (run) => run?.history ?? (run?.date ? [run] : []);

const groupRows = [];
const fileRows = [];
const survivors = [];
const leftWithReason = [];
const staleness = [];
for (const [group, { mutate, target, title }] of Object.entries(GROUPS)) {
  const report = readJson(incrementalPath(root, group));
  const rerun = `Run: npm run mutate -- ${group}`;
  if (!report) {
    problems.push(`${title}: no run (mutation/incremental-${group}.json is missing). ${rerun}`);
    continue;
  }
  const timeouts = readJson(timeoutsPath(root, group), {});
  const run = runs[group];
  const history = historyOf(run);
  const testIds = new Set(Object.values(report.testFiles ?? {}).flatMap(({ tests }) => tests.map((t) => t.id)));
  const total = empty();

  // What changed since the run: information, never a failure.
  const given = run?.files ?? {};
  const inputs = run?.inputs ?? {};
  const changed = (recorded, current) => {
    const out = [];
    for (const file of current.filter((f) => recorded[f] === undefined)) out.push(`${file} (added)`);
    for (const [file, hash] of Object.entries(recorded)) {
      const text = readText(file);
      if (text === undefined) out.push(`${file} (removed)`);
      else if (sha256(text) !== hash) out.push(file);
    }
    return out.sort();
  };
  const mutatedChanged = changed(given, filesOf(root, mutate));
  const mutatedNames = new Set([...Object.keys(given), ...filesOf(root, mutate)]);
  const inputsChanged = run?.inputs
    ? changed(inputs, inputsOf(root)).filter((entry) => !mutatedNames.has(entry.replace(/ \((added|removed)\)$/, '')))
    : ['(not recorded by this run)'];
  staleness.push({ title, last: history.at(-1), mutatedChanged, inputsChanged });

  const seen = new Set();
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const confirmedIn = timeouts[file]?.sha256 === sha256(source) ? timeouts[file].results : {};
    const row = { ...empty(), file };
    const ignoredLines = new Map();
    for (const mutant of mutants) {
      // As Stryker counts them, those that broke the run itself (a compile or runtime error) are no score; shown apart.
      if (['CompileError', 'RuntimeError'].includes(mutant.status)) {
        row.errors += 1;
        continue;
      }
      row.mutants += 1;
      if (mutant.static) row.static += 1;
      const key = mutantKey(file, mutant);
      if (seen.has(key)) problems.push(`two mutants have the key ${JSON.stringify(key)}: make mutantKey tell them apart`);
      seen.add(key);
      let status = mutant.status;
      if (status === 'Ignored') {
        row.ignored += 1;
        const line = mutant.location.start.line;
        ignoredLines.set(line, [...(ignoredLines.get(line) ?? []), mutant.mutatorName.toLowerCase()]);
        leftWithReason.push({ file, mutant, from: original(source, mutant.location), reason: mutant.statusReason ?? '' });
        continue;
      }
      if (status === 'Timeout') {
        const confirmation = confirmedIn[key];
        const current = confirmation?.tests === coveringTestsHash(report, mutant) ? confirmation : undefined;
        const untrusted = current && rerunProblem(current, testIds);
        if (untrusted) problems.push(`the confirmation of ${key} cannot be trusted: ${untrusted}. ${rerun}`);
        else if (!current) gateProblems.push(`timeout not re-run: ${key}. ${rerun}`);
        const again = current && !untrusted ? current.status : undefined;
        status = again === 'Killed' || again === 'Timeout' ? 'Confirmed' : 'Unconfirmed';
      }
      if (status === 'Killed') row.killed += 1;
      else if (status === 'Confirmed') row.confirmed += 1;
      else if (status === 'Unconfirmed') row.unconfirmed += 1;
      else if (status === 'Survived') row.survived += 1;
      else if (status === 'NoCoverage') row.noCoverage += 1;
      else problems.push(`${key}: status ${status}, which Stryker does not give. ${rerun}`);
      if (status === 'Survived' || status === 'NoCoverage' || status === 'Unconfirmed')
        survivors.push({ file, key, mutant, status, from: original(source, mutant.location) });
    }
    // A comment that disables nothing (its line moved, or its mutant went) is a reason nobody needs: take it out.
    if (readText(file) === source)
      for (const { line, target: at, mutators } of directivesIn(source))
        if (!mutators.some((m) => (ignoredLines.get(at) ?? []).includes(m)))
          gateProblems.push(`${file}:${line}: this Stryker disable comment disables no mutant of line ${at}; remove or move it`);
    fileRows.push(row);
    add(total, row);
  }
  const kills = total.killed + total.confirmed;
  if (kills < (target / 100) * counted(total))
    gateProblems.push(`${title} scores ${score(kills, counted(total))}, below its target of ${target}%: add tests for its survivors`);
  groupRows.push({ group, title, target, total, history, kills });
}

for (const s of survivors)
  gateProblems.push(
    `survivor without a reason: ${JSON.stringify(s.key)}: add a test that kills it, or a "// Stryker disable next-line ${s.mutant.mutatorName}: <reason>" comment above its line`,
  );

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

const readme = readText('README.md') ?? '';
for (const { number, readme: phrase, test } of pinned) {
  if (!readme.includes(phrase)) problems.push(`pinned number ${number}: the README no longer says ${JSON.stringify(phrase)}`);
  const [testFile, title] = test.split(' › ');
  const source = readText(testFile);
  if (source === undefined || !testTitles(source).some((matches) => matches(title)))
    problems.push(`pinned number ${number}: no test ${JSON.stringify(test)}`);
}

const out = [];
const code = (text) => `\`${oneLine(text).replace(/`/g, "'")}\``;
const describeRun = (r) =>
  r
    ? `${r.date}, ${r.mode}: ${r.minutes} min (${r.tested} of ${r.mutants ?? '?'} mutants run), timeouts re-run: ${r.confirmMinutes} min`
    : 'not recorded';
out.push('# Mutation testing summary', '');
out.push(
  'StrykerJS (`npm run mutate`) over every statement of `lambda/`, `lib/` and the emulator with its oracles ' +
    '(`testing/finspace-emulator.ts` and its `testing/emulator-*.ts` modules, `testing/sigv4.ts`, `testing/response-receiver.ts`), static mutants (module-level ' +
    'constants) included. A mutant counts as killed when a test failed; a timed-out mutant counts only when a re-run, ' +
    'on one runner per core with twice the time, timed out or failed again (confirmed). A mutant left on purpose carries ' +
    'its reason in a `// Stryker disable next-line <mutator>: <reason>` comment above its line (Stryker then reports it ' +
    'as ignored, with that reason; the comment covers every mutant of that mutator on the line). Score = killed and ' +
    'confirmed over all mutants: those left with a reason, survivors, unconfirmed timeouts and mutants no test runs ' +
    'count against it. Mutants that broke the run itself (compile or runtime errors) are no score, as Stryker counts them.',
  '',
);
out.push(
  '| scope | mutants (static) | killed | timed out, confirmed | timed out, not confirmed | survived | no coverage | left with a reason | run errors | score | target | last run | last full run |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
);
for (const { title, target, total, history, kills } of groupRows)
  out.push(
    `| ${title} | ${total.mutants} (${total.static}) | ${total.killed} | ${total.confirmed} | ${total.unconfirmed} | ${total.survived} | ` +
      `${total.noCoverage} | ${total.ignored} | ${total.errors} | ${score(kills, counted(total))} | ${target}% | ${describeRun(history.at(-1))} | ` +
      `${describeRun(history.findLast((r) => r.mode === 'full'))} |`,
  );
out.push(
  '',
  '| file | mutants (static) | killed | timed out, confirmed | timed out, not confirmed | survived | no coverage | left with a reason | run errors | score |',
  '|---|---|---|---|---|---|---|---|---|---|',
);
for (const r of fileRows)
  out.push(
    `| \`${r.file}\` | ${r.mutants} (${r.static}) | ${r.killed} | ${r.confirmed} | ${r.unconfirmed} | ${r.survived} | ${r.noCoverage} | ` +
      `${r.ignored} | ${r.errors} | ${score(r.killed + r.confirmed, counted(r))} |`,
  );
out.push('', '## Numbers the README states about the handler, and the test that observes each', '');
out.push('| number | as the README says it | observed by |', '|---|---|---|');
for (const { number, readme: phrase, test } of pinned) out.push(`| ${number} | ${code(phrase)} | ${code(test)} |`);
if (survivors.length > 0) {
  out.push('', `## Survivors without a reason (${survivors.length})`, '');
  for (const s of survivors) {
    const status = { NoCoverage: ' (no test runs it)', Unconfirmed: ' (timed out, not confirmed by the re-run)' }[s.status] ?? '';
    out.push(`- ${code(s.key)}${status}, from ${code(s.from)}.`);
  }
}
out.push('', `## Mutants left with a reason (${leftWithReason.length})`, '');
out.push(
  'Each where its comment stands in the source (line of the run), with the code it replaces: equivalent (no behaviour ' +
    'can tell it apart, and why) or not worth a test (what it would guard is guarded elsewhere, or cannot happen).',
);
let file;
for (const s of leftWithReason) {
  if (s.file !== file) {
    file = s.file;
    out.push('', `### \`${file}\``, '');
  }
  const { start } = s.mutant.location;
  out.push(`- line ${start.line}, ${s.mutant.mutatorName} ${code(s.mutant.replacement ?? '')} for ${code(s.from)}: ${s.reason}`);
}
// Everything above is what the data says; the section below compares it with the tree, so it is left out of --check.
const STALENESS_HEADING = '## Is the run current?';
out.push('', STALENESS_HEADING, '');
out.push(
  'What changed in this tree since each group was measured (files compared by content). A change makes the figures above ' +
    'older than the code, not wrong; `npm run mutate -- <group>` measures again, testing only what the change touched.',
  '',
);
for (const { title, last, mutatedChanged, inputsChanged } of staleness) {
  const measured = last?.commit
    ? `commit ${last.commit.slice(0, 12)}${last.uncommitted ? ' with uncommitted changes' : ''}, ${last.date}`
    : `${last?.date ?? 'an unrecorded date'} (commit not recorded)`;
  const current = mutatedChanged.length === 0 && inputsChanged.length === 0;
  out.push(`- ${title}: measured on ${measured}: ${current ? '**current**' : '**stale**'}.`);
  if (mutatedChanged.length > 0) out.push(`  Mutated files changed since: ${mutatedChanged.map((f) => `\`${f}\``).join(', ')}.`);
  if (inputsChanged.length > 0) out.push(`  Tests, helpers and configs changed since: ${inputsChanged.map((f) => `\`${f}\``).join(', ')}.`);
}
const summary = `${out.join('\n')}\n`;
const summaryPath = path.join(root, 'mutation', 'SUMMARY.md');
if (check) {
  const committed = readText('mutation/SUMMARY.md') ?? '';
  const figures = (text) => text.split(`\n${STALENESS_HEADING}\n`)[0];
  if (figures(committed) !== figures(summary))
    problems.push('mutation/SUMMARY.md is not what the data gives. Run: node scripts/mutation-summary.mjs');
} else {
  fs.writeFileSync(summaryPath, summary);
}
for (const { title, total, kills } of groupRows) console.log(`${title}: ${score(kills, counted(total))}`);
for (const { title, mutatedChanged, inputsChanged } of staleness)
  if (mutatedChanged.length + inputsChanged.length > 0)
    console.log(
      `${title}: the run is older than this tree (${mutatedChanged.length + inputsChanged.length} file(s) changed since; see mutation/SUMMARY.md)`,
    );
const failing = check ? problems : [...problems, ...gateProblems];
if (failing.length > 0) {
  console.error(`mutation data: ${failing.length} problem(s)`);
  for (const problem of failing) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  check
    ? 'mutation data: can be trusted, and SUMMARY.md states it'
    : `mutation data: every group on target, ${leftWithReason.length} mutants left with a reason, no survivor without one, every timeout counted confirmed`,
);
