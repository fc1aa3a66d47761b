// Writes mutation/SUMMARY.md from Stryker's JSON reports (reports/mutation/*.json, one per group): the score per file and per
// folder, and every surviving mutant with the one-line reason it is left, from mutation/reasons.json (keyed by file,
// mutator, original and replacement, so that moving code does not lose a reason). A survivor without a reason is
// listed as one that needs a test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = path.join(root, 'reports', 'mutation');
const report = { files: {} };
for (const name of fs
  .readdirSync(reportDir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  Object.assign(report.files, JSON.parse(fs.readFileSync(path.join(reportDir, name), 'utf8')).files);
}
const reasonsPath = path.join(root, 'mutation', 'reasons.json');
const reasons = fs.existsSync(reasonsPath) ? JSON.parse(fs.readFileSync(reasonsPath, 'utf8')) : {};
const elapsed = process.argv[2];

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function original(source, { start, end }) {
  const lines = source.split('\n').slice(start.line - 1, end.line);
  if (lines.length === 1) return lines[0].slice(start.column - 1, end.column - 1);
  lines[0] = lines[0].slice(start.column - 1);
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, end.column - 1);
  return lines.join('\n');
}

const oneLine = (text) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
};

const rows = [];
const survivors = [];
const totals = new Map();
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = (states) => mutants.filter((m) => states.has(m.status)).length;
  const row = {
    file,
    total: mutants.length,
    killed: count(new Set(['Killed'])),
    timeout: count(new Set(['Timeout'])),
    survived: count(new Set(['Survived'])),
    noCoverage: count(new Set(['NoCoverage'])),
    ignored: count(new Set(['Ignored'])),
  };
  rows.push(row);
  const group = file.startsWith('testing/') ? file : `${file.split('/')[0]}/`;
  const sum = totals.get(group) ?? { detected: 0, undetected: 0 };
  sum.detected += row.killed + row.timeout;
  sum.undetected += row.survived + row.noCoverage;
  totals.set(group, sum);
  for (const m of mutants.filter((x) => UNDETECTED.has(x.status)).sort((a, b) => a.location.start.line - b.location.start.line)) {
    const from = original(source, m.location);
    const key = `${file}|${m.mutatorName}|${oneLine(from)}|${oneLine(m.replacement ?? '')}`;
    survivors.push({ file, m, from, key, reason: reasons[key] });
  }
}

const score = (d, u) => (d + u === 0 ? 'n/a' : `${(Math.floor((10000 * d) / (d + u)) / 100).toFixed(2)}%`);
const out = [];
out.push('# Mutation testing summary', '');
out.push(
  `StrykerJS over \`lib/\`, \`lambda/\` and \`testing/finspace-emulator.ts\` (\`npm run mutate\`), on ${new Date().toISOString().slice(0, 10)}` +
    `${elapsed ? `, ${elapsed}` : ''}. Score = killed and timed-out mutants over all that ran (survived and no coverage count against it).` +
    ' Static mutants (module-level constants, which only a run of every test could test) are left out of the run; the constants they would' +
    " change are pinned by direct tests (the retry policy, the rule table's bounds, the emulator's model).",
  '',
);
out.push('| scope | score | target |', '|---|---|---|');
const TARGETS = { 'lambda/': '90%', 'lib/': '90%', 'testing/finspace-emulator.ts': '80%' };
for (const [group, target] of Object.entries(TARGETS)) {
  const sum = totals.get(group);
  out.push(
    `| \`${group}\` | ${sum ? score(sum.detected, sum.undetected) : '**not measured yet** (no report for this group)'} | ${target} |`,
  );
}
out.push(
  '',
  '| file | mutants | killed | timed out | survived | no coverage | ignored (static) | score |',
  '|---|---|---|---|---|---|---|---|',
);
for (const r of rows) {
  out.push(
    `| \`${r.file}\` | ${r.total} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${score(r.killed + r.timeout, r.survived + r.noCoverage)} |`,
  );
}
out.push('', `## Surviving mutants (${survivors.length})`, '');
out.push(
  'Each with the reason it is left: equivalent (no behaviour can tell it apart) or not worth a test (what it would guard is guarded elsewhere).',
  '',
);
let file;
for (const s of survivors) {
  if (s.file !== file) {
    file = s.file;
    out.push('', `### \`${file}\``, '');
  }
  const where = `${s.m.location.start.line}:${s.m.location.start.column}`;
  const status = s.m.status === 'NoCoverage' ? ' (no coverage)' : '';
  out.push(
    `- ${where} ${s.m.mutatorName}${status}: \`${oneLine(s.from).replace(/`/g, "'")}\` → \`${oneLine(s.m.replacement ?? '').replace(/`/g, "'")}\`. ${s.reason ?? '**No reason recorded: needs a test.**'}`,
  );
}
fs.writeFileSync(path.join(root, 'mutation', 'SUMMARY.md'), `${out.join('\n')}\n`);
const missing = survivors.filter((s) => !s.reason);
console.log(`mutation/SUMMARY.md: ${rows.length} files, ${survivors.length} survivors, ${missing.length} without a reason`);
if (missing.length > 0) for (const s of missing) console.log(`  ${JSON.stringify(s.key)}`);
