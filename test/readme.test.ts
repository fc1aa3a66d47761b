/**
 * The README's promises that are figures: the Guarantees table must state exactly what the hardening tests assert,
 * the retry table what the policy is, and the links it gives must exist in the package a user installs (the README
 * is what npm, PyPI, Maven and NuGet show). CONTRIBUTING.md holds the figures about the project itself.
 */
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
  const { synth, deploy, faults, secrets, nag, leastPrivilege } = GUARANTEES;
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

test('the mutation scores the README states are the committed summary, each meets its target, and no survivor lacks a reason', () => {
  const summary = fs.readFileSync(path.join(root, 'mutation', 'SUMMARY.md'), 'utf8');
  const scopes: Array<[string, string, number]> = [
    ['`lambda/`', '`lambda/`', 90],
    ['`lib/`', '`lib/`', 90],
    ['the emulator', '`testing/finspace-emulator.ts`', 80],
  ];
  for (const [inReadme, inSummary, target] of scopes) {
    const measured = new RegExp(`^\\| ${inSummary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\| ([0-9.]+)% \\| ${target}% \\|$`, 'm').exec(
      summary,
    );
    expect([inSummary, measured?.[1]]).toEqual([inSummary, expect.stringMatching(/^[0-9]+\.[0-9]{2}$/)]);
    const score = measured![1];
    expect(Number(score)).toBeGreaterThanOrEqual(target);
    expect(contributing).toContain(`${inReadme} **${score}%**`);
  }
  expect(summary).not.toContain('needs a test');
});
