/**
 * `npm run bench`: every benchmark in one run, each printing its figures and writing bench/results/NAME.json
 * (the storm also storm.svg), then the targets of the issue, met or not.
 */
import { runColdStart } from './cold-start';
import { runMemory } from './memory';
import { POLICIES, runStorm, stormSvg, stormTable, type StormFigures } from './storm';
import { arg, writeResult } from './support';
import { runSynthScale } from './synth-scale';

async function main(): Promise<void> {
  // Cold start first, on a quiet process: after the storm, leftover load skews both of its timings.
  const cold = await runColdStart(arg('runs', 20));
  console.log(
    `\n2. Cold start: bundle ${cold.bundleBytes} bytes; load + one Create ${cold.coldCreateMedianMs.toFixed(1)} ms vs node -e 0 ${cold.nodeBareMedianMs.toFixed(1)} ms (median of ${cold.runs}): x${cold.ratio.toFixed(2)}`,
  );
  console.log(
    `   for scale, the same three requests: plain node:http with no SDK x${cold.floorRatio.toFixed(2)}; the FinSpace client alone (the SDK parts, no handler logic) x${cold.clientOnlyRatio.toFixed(2)}`,
  );
  writeResult('cold-start', cold);

  const storm = { events: arg('n', 200), ratePerSecond: arg('rate', 50), deadlineMs: arg('deadline-ms', 120_000) };
  const results: StormFigures[] = [];
  for (const [name, retry] of POLICIES) results.push(await runStorm(name, retry, storm));
  console.log(
    `\n1. Throttling storm: ${storm.events} concurrent Create events, shared limit ${storm.ratePerSecond}/s, deadline ${storm.deadlineMs / 1000} s`,
  );
  console.log(`   lower bound ${((2 * storm.events) / storm.ratePerSecond).toFixed(1)} s (${2 * storm.events} requests must succeed)`);
  console.log(stormTable(results).replace(/^/gm, '   '));
  writeResult(
    'storm',
    { options: storm, results: results.map(({ timeline: _t, ...f }) => f) },
    { svg: stormSvg(results, storm.ratePerSecond) },
  );

  const synth = runSynthScale([1, 50, 200], 3);
  console.log('\n3. Synth at scale (median of 3 fresh app processes):');
  for (const r of synth.rows)
    console.log(
      `   ${String(r.instances).padStart(3)} instances: ${(r.processMs / 1000).toFixed(2)} s, x${r.processRatio.toFixed(2)} (construct + synth x${r.synthRatio.toFixed(2)})`,
    );
  writeResult('synth-scale', synth);

  const memory = await runMemory();
  console.log(`\n4. Memory: peak RSS ${memory.peakRssMb.toFixed(1)} MB through Create, Update, Delete (${memory.statuses.join(', ')})`);
  writeResult('memory', memory);

  const ours = results[0];
  const targets: Array<[string, boolean, string]> = [
    ['storm: 100% of events succeed', ours.successShare === 1, `${(ours.successShare * 100).toFixed(1)}%`],
    ['storm: makespan <= 1.3 x lower bound', ours.makespanRatio <= 1.3, ours.makespanRatio.toFixed(2)],
    ['storm: requests sent <= 2 x needed', ours.requestRatio <= 2, ours.requestRatio.toFixed(2)],
    ['storm: no event over its deadline', ours.overDeadline === 0, String(ours.overDeadline)],
    ['bundle <= 100 KB', cold.bundleBytes <= 100_000, `${cold.bundleBytes} bytes`],
    ['cold start <= 1.5 x node -e 0', cold.ratio <= 1.5, cold.ratio.toFixed(2)],
    ['synth 200 <= 2 x synth 1', synth.rows[2].processRatio <= 2, synth.rows[2].processRatio.toFixed(2)],
    ['peak RSS <= 80 MB', memory.peakRssMb <= 80, `${memory.peakRssMb.toFixed(1)} MB`],
  ];
  console.log('\nTargets:');
  for (const [name, met, value] of targets) console.log(`   ${met ? 'met    ' : 'NOT MET'}  ${name}: ${value}`);
  writeResult('summary', { targets: targets.map(([name, met, value]) => ({ name, met, value })) });
}

main().catch((e) => ((process.exitCode = 1), console.error(e)));
