/**
 * The README's promises that are figures: the Guarantees table must state exactly what the hardening tests assert,
 * the retry table what the policy is, and the links it gives must exist in the package a user installs (the README
 * is what npm, PyPI, Maven and NuGet show). CONTRIBUTING.md holds the figures about the project itself.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RETRY_POLICY } from '../lambda/retry';
import { GUARANTEES } from './hardening/guarantees';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const contributing = fs.readFileSync(path.join(root, 'CONTRIBUTING.md'), 'utf8');
const relativeLinks = (text: string) => [...text.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((m) => m[1]);
const section = (heading: string) => readme.split(`\n## ${heading}\n`)[1].split('\n## ')[0];
const n = (value: number) => value.toLocaleString('en-US');

test('the Guarantees table states the asserted figures', () => {
  const table = section('Guarantees');
  const { synth, deploy, faults, processFaults, secrets, nag, leastPrivilege } = GUARANTEES;
  expect(table).toContain(
    `${n(synth.generatedInvalid)} generated invalid + ${synth.namedInvalid} named, all rejected; ${synth.generatedValid} generated valid`,
  );
  expect(table).toContain(`+ ${synth.tokenCases} with tokens, all accepted`);
  expect(table).toContain(
    `${deploy.invalidInputs} invalid inputs, all FAILED, none reached UpdateUser; ${deploy.badServiceAnswers} bad service answers, all FAILED; ${deploy.unanswerableEvents} unanswerable events dropped`,
  );
  const failed = faults.failedAtDeadline + faults.failedEarly;
  expect(table).toContain(
    `${faults.total} faults, ${faults.total} answered in time: ${faults.survived} survived, ${failed} ended FAILED with their reason (${faults.failedAtDeadline} at the deadline, ${faults.failedEarly} before it)`,
  );
  expect(table).toContain(`${processFaults.total} faults of the process, ${processFaults.answeredOnRetry} answered on Lambda's retry`);
  expect(table).toContain(`${secrets.values} secret values, 0 found`);
  expect(table).toContain(`${nag.findings} findings, ${nag.acknowledgements} acknowledgements (example app)`);
  expect(table).toContain(`${leastPrivilege.exampleActions} actions (example app), ${leastPrivilege.vpcActions} (in a VPC)`);
});

test('the retry section states the policy', () => {
  const retry = section('Retry policy');
  const s = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
  expect(retry).toContain(
    `| throttling | ${s(DEFAULT_RETRY_POLICY.throttlingBaseDelayMs)} | doubling | ${s(DEFAULT_RETRY_POLICY.maxDelayMs)} |`,
  );
  expect(retry).toContain(
    `| transient | ${s(DEFAULT_RETRY_POLICY.transientBaseDelayMs)} | doubling | ${s(DEFAULT_RETRY_POLICY.maxDelayMs)} |`,
  );
  expect(retry).toContain(`Each attempt has its own ${s(DEFAULT_RETRY_POLICY.attemptTimeoutMs)} timeout`);
  expect(retry).toContain(`retried fast for **${s(DEFAULT_RETRY_POLICY.unreachableWindowMs)}**`);
});

test('every relative link in the README points at a file the package ships, and CONTRIBUTING.md at files of the project', () => {
  const shipped: string[] = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).files;
  const links = relativeLinks(readme);
  expect(links.length).toBeGreaterThanOrEqual(3);
  for (const link of links) expect([link, shipped.includes(link), fs.existsSync(path.join(root, link))]).toEqual([link, true, true]);
  for (const link of relativeLinks(contributing)) expect([link, fs.existsSync(path.join(root, link))]).toEqual([link, true]);
});

test('the README is for users first: install per language and usage before anything about working on the library', () => {
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  expect(headings.slice(0, 2)).toEqual(['Install', 'Usage']);
  expect(headings.at(-1)).toBe('Working on the library');
  for (const moved of ['Benchmarks', 'Layout', 'Mutation testing']) expect(headings).not.toContain(moved);
  // The two set-up commands stay in the README.
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toMatch(/^npm test /m);
  // Until a release exists, the README says so and how to install from a checkout, in each language.
  expect(readme).toContain('**The library is not published yet**');
  for (const language of ['TypeScript / JavaScript', 'Python', 'Java', 'Go', '.NET'])
    expect(readme).toMatch(new RegExp(`^\\| ${language} \\|`, 'm'));
});

test('the mutation scores CONTRIBUTING states are those the committed runs give, and SUMMARY.md states them (a run older than the code is no failure)', () => {
  // Fails on data that cannot be trusted whatever the code is (a confirmation that is not what its re-run recorded, two
  // mutants with one key, a pinned number whose sentence or test is gone) or a SUMMARY.md that says other figures.
  // Whether the run is current is information in SUMMARY.md; `npm run mutate` is the gate on targets.
  const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'mutation-summary.mjs'), '--check'], { encoding: 'utf8' });
  expect(`${check.stdout}${check.stderr}`).toContain('mutation data: can be trusted, and SUMMARY.md states it');
  expect(check.status).toBe(0);
  const scores = [...check.stdout.matchAll(/^(.+): ([0-9]+\.[0-9]{2}%)$/gm)].map((m) => [m[1], m[2]]);
  expect(scores.map(([scope]) => scope)).toEqual(['`lambda/`', '`lib/`', 'the emulator']);
  for (const [scope, score] of scores) expect(contributing).toContain(`${scope} **${score}**`);
});

test('every number the Retry policy section states about the handler is in a sentence pinned to a test that observes it (mutation/pinned-numbers.json)', () => {
  const pinned = JSON.parse(fs.readFileSync(path.join(root, 'mutation', 'pinned-numbers.json'), 'utf8')) as Array<{ readme: string }>;
  const numbers = /(?<![0-9.])[0-9]+(?:\.[0-9]+)? (?:ms|s|minutes)\b/g;
  const text = section('Retry policy');
  expect(text.match(numbers)!.length).toBeGreaterThanOrEqual(13);
  // What is left once the pinned sentences and the one about the SDK's own defaults (not the handler's) are taken out.
  let rest = text.replace("(the SDK's 1 s throttling base, or 500 ms before it)", '');
  for (const { readme: sentence } of pinned) rest = rest.split(sentence).join(' ');
  expect(rest.match(numbers) ?? []).toEqual([]);
});
