// `npm run mutate [-- [--force | --confirm-only] [group ...]]`: Stryker over each group (default: all), incrementally
// (only mutants whose code or covering tests changed run again; --force runs them all). Then the group's timeouts run
// again, on one runner per core with twice the time, to confirm them (only those not confirmed on the same source and
// tests before; --confirm-only does just that, after a run that stopped before it). Each run is recorded in
// mutation/runs.json (commit, mode, minutes, what it rests on); then mutation/SUMMARY.md is written, and the command
// fails (the gate) if a group is below its target, a survivor has no reason or a timeout was not confirmed.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coveringTestsHash,
  filesOf,
  inputsOf,
  rerunRecord,
  forgetStaticSurvivors,
  GROUPS,
  incrementalPath,
  mutantKey,
  readJson,
  runsPath,
  sha256,
  timeoutsPath,
} from './mutation-data.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const force = args.includes('--force');
const confirmOnly = args.includes('--confirm-only');
const named = args.filter((a) => !a.startsWith('--'));
for (const group of named) if (!GROUPS[group]) throw new Error(`unknown group ${group}: one of ${Object.keys(GROUPS).join(', ')}`);
const groups = named.length > 0 ? named : Object.keys(GROUPS);

/** Runs Stryker, echoing its output; resolves with its exit status and how many results it reused. */
function stryker(env, extra) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['stryker', 'run', ...extra], { stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (status) => {
      const reused = /(\d+) of (\d+) mutant result\(s\) are reused/.exec(output);
      resolve({ status, reused: reused ? Number(reused[1]) : 0 });
    });
  });
}

/** See forgetStaticSurvivors: Stryker then runs the static mutants that were not killed again. */
function rerunStaticSurvivors(group) {
  const file = incrementalPath(root, group);
  const report = readJson(file);
  const forgotten = report ? forgetStaticSurvivors(report) : 0;
  if (forgotten === 0) return;
  console.log(`mutation group ${group}: ${forgotten} static mutant(s) not killed last time run again`);
  fs.writeFileSync(file, JSON.stringify(report));
}

const findMutant = (report, file, key) => report.files[file].mutants.find((m) => mutantKey(file, m) === key);
const minutes = (since) => Math.round((Date.now() - since) / 60_000);
let failed = false;
for (const group of groups) {
  const started = Date.now();
  // The source the run is given (Stryker copies the project when it starts): the summary calls the run stale when a
  // file of the group (one without mutants too) differs from it, or a file was added or removed.
  const given = Object.fromEntries(
    filesOf(root, GROUPS[group].mutate).map((f) => [f, sha256(fs.readFileSync(path.join(root, f), 'utf8'))]),
  );
  // Everything else the result rests on (tests, their helpers, configs, the lock file), for the summary's staleness.
  const inputs = Object.fromEntries(inputsOf(root).map((f) => [f, sha256(fs.readFileSync(path.join(root, f), 'utf8'))]));
  const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout.trim();
  const commit = { commit: git('rev-parse', 'HEAD'), uncommitted: git('status', '--porcelain').length > 0 };
  const kept = readJson(incrementalPath(root, group));
  if (!confirmOnly && !force) rerunStaticSurvivors(group);
  const run = confirmOnly ? undefined : await stryker({ STRYKER_GROUP: group }, force ? ['--force'] : []);
  // A run that stopped before testing (a test failed in Stryker's initial run) wrote no results: the group's data is
  // put back as it was and nothing is recorded for it.
  if (run && fs.statSync(incrementalPath(root, group), { throwIfNoEntry: false })?.mtimeMs < started) {
    if (kept) fs.writeFileSync(incrementalPath(root, group), JSON.stringify(kept));
    console.error(`mutation group ${group}: Stryker wrote no results (see its output above); nothing recorded`);
    failed = true;
    continue;
  }
  const mainMinutes = minutes(started);
  // At once, so a group's committed incremental file holds no machine paths even if a later step fails.
  spawnSync(process.execPath, ['scripts/mutation-paths.mjs'], { stdio: 'inherit' });
  if (run && run.status !== 0) failed = true;

  // The timeouts to confirm: those without a confirmation on the same source of their file and covering tests.
  const report = readJson(incrementalPath(root, group));
  if (!report) {
    console.error(`mutation group ${group}: Stryker wrote no ${path.relative(root, incrementalPath(root, group))}`);
    process.exit(1);
  }
  const before = readJson(timeoutsPath(root, group), {});
  const confirmations = {};
  const toRun = new Set();
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const hash = sha256(source);
    const known = before[file]?.sha256 === hash ? before[file].results : {};
    const results = {};
    for (const mutant of mutants.filter((m) => m.status === 'Timeout')) {
      const key = mutantKey(file, mutant);
      const tests = coveringTestsHash(report, mutant);
      // Kept while its code and covering tests are unchanged, and only with the re-run's own record.
      if (known[key]?.tests === tests && known[key].rerun) results[key] = known[key];
      else toRun.add(key);
    }
    confirmations[file] = { sha256: hash, results };
  }
  const confirmStarted = Date.now();
  if (toRun.size > 0) {
    console.log(`mutation group ${group}: re-running ${toRun.size} timed-out mutant(s), one runner per core, with twice the time`);
    const copy = path.join(root, 'reports', 'mutation', `confirm-incremental-${group}.json`);
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    const without = JSON.parse(JSON.stringify(report));
    for (const [file, entry] of Object.entries(without.files)) entry.mutants = entry.mutants.filter((m) => !toRun.has(mutantKey(file, m)));
    fs.writeFileSync(copy, JSON.stringify(without));
    const confirm = await stryker({ STRYKER_GROUP: group, STRYKER_CONFIRM_FILE: path.relative(root, copy) }, []);
    if (confirm.status !== 0) failed = true;
    const rerun = readJson(copy);
    for (const [file, { mutants }] of Object.entries(rerun.files))
      for (const mutant of mutants) {
        const key = mutantKey(file, mutant);
        // The re-run's own record (what killed it, how many tests ran), so that the status cannot be edited alone.
        if (toRun.has(key))
          confirmations[file].results[key] = {
            status: mutant.status,
            tests: coveringTestsHash(report, findMutant(report, file, key)),
            rerun: rerunRecord(mutant),
          };
      }
    fs.rmSync(copy);
  }
  fs.writeFileSync(timeoutsPath(root, group), `${JSON.stringify(confirmations, null, 1)}\n`);
  const mutantCount = Object.values(report.files).reduce(
    (n, f) => n + f.mutants.filter((m) => !['Ignored', 'CompileError', 'RuntimeError'].includes(m.status)).length,
    0,
  );
  const runs = readJson(runsPath(root), {});
  const previous = runs[group] ?? {};
  const thisRun = run
    ? {
        date: new Date().toISOString().slice(0, 10),
        ...commit,
        mode: force ? 'full' : 'incremental',
        minutes: mainMinutes,
        mutants: mutantCount,
        tested: mutantCount - run.reused,
        confirmMinutes: minutes(confirmStarted),
        confirmed: toRun.size,
      }
    : { ...previous.history?.at(-1), confirmMinutes: minutes(confirmStarted), confirmed: toRun.size };
  // Every run is kept (full and incremental, with their times); files and inputs are those of the last one.
  runs[group] = {
    files: run ? given : previous.files,
    inputs: run ? inputs : previous.inputs,
    history: [...(previous.history ?? []).slice(0, run ? undefined : -1), thisRun],
  };
  fs.writeFileSync(runsPath(root), `${JSON.stringify(runs, null, 1)}\n`);
  console.log(`mutation group ${group}: ${thisRun.minutes} min, then ${thisRun.confirmMinutes} min re-running timeouts`);
}
const summary = spawnSync(process.execPath, ['scripts/mutation-summary.mjs'], { stdio: 'inherit' });
process.exit(failed || summary.status !== 0 ? 1 : 0);
