/**
 * A tiny run of each benchmark, so they cannot rot: the figures must be well formed, not fast.
 */
import { runColdStart } from '../../bench/cold-start';
import { runMemory } from '../../bench/memory';
import { POLICIES, runStorm, stormSvg, stormTable } from '../../bench/storm';
import { runSynthScale } from '../../bench/synth-scale';

test('storm: every policy with a handful of events', async () => {
  const results = [];
  for (const [name, retry] of POLICIES) results.push(await runStorm(name, retry, { events: 6, ratePerSecond: 100, deadlineMs: 20_000 }));
  expect(results[0]).toMatchObject({ policy: 'ours', events: 6, succeeded: 6, requestsNeeded: 12, overDeadline: 0 });
  expect(results[0].requestsSent).toBeGreaterThanOrEqual(12);
  expect(results[0].timeline.length).toBe(results[0].requestsSent);
  expect(stormTable(results)).toContain('SDK v3 adaptive');
  expect(stormSvg(results, 100)).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>$/);
}, 60_000);

test('cold start and bundle', async () => {
  const figures = await runColdStart(2);
  expect(figures.node).toMatch(/^Node\.js 24\.\d+\.\d+ \(the template's nodejs24\.x\)$/);
  expect(figures.bundleBytes).toBeGreaterThan(10_000);
  // The README promises a handler bundle of at most 100 KB.
  expect(figures.bundleBytes).toBeLessThanOrEqual(100 * 1024);
  expect(Math.min(figures.coldCreateMedianMs, figures.ratio, figures.clientOnlyMedianMs, figures.clientOnlyRatio)).toBeGreaterThan(0);
}, 60_000);

test('memory through Create, Update, Delete', async () => {
  const figures = await runMemory();
  expect(figures.statuses).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  expect(figures.node).toMatch(/^24\./);
  expect(figures.peakRssMb).toBeGreaterThan(0);
}, 60_000);

test('synth at scale', () => {
  const figures = runSynthScale([1, 3], 1);
  expect(figures.rows.map((r) => r.instances)).toEqual([1, 3]);
  expect(figures.rows[0].processRatio).toBe(1);
}, 120_000);
