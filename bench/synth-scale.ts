/**
 * Synth at scale: the example app with 1, 50 and 200 FinSpaceUserSettings, each synthesized in fresh processes
 * (as `cdk synth` runs the app), as ratios to the 1-instance time, in one run. Reports the whole app process and
 * the in-process construct-and-synth time.
 *
 * Usage: tsx bench/synth-scale.ts [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg, median, writeResult } from './support';

export interface SynthFigures {
  readonly runs: number;
  readonly rows: ReadonlyArray<{ instances: number; processMs: number; synthMs: number; processRatio: number; synthRatio: number }>;
}

export function runSynthScale(counts: readonly number[], runs: number): SynthFigures {
  const tsx = require.resolve('tsx/cli');
  const medians = counts.map((instances) => {
    const processMs: number[] = [];
    const synthMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-synth-scale-'));
      const started = performance.now();
      const run = spawnSync(process.execPath, [tsx, path.join(__dirname, 'synth-app.ts'), String(instances), out], { encoding: 'utf8' });
      processMs.push(performance.now() - started);
      fs.rmSync(out, { recursive: true, force: true });
      if (run.status !== 0) throw new Error(`synth of ${instances} failed: ${run.stderr}`);
      synthMs.push(JSON.parse(run.stdout.trim().split('\n').pop()!).synthMs);
    }
    return { instances, processMs: median(processMs), synthMs: median(synthMs) };
  });
  const base = medians[0];
  return {
    runs,
    rows: medians.map((m) => ({ ...m, processRatio: m.processMs / base.processMs, synthRatio: m.synthMs / base.synthMs })),
  };
}

function main(): void {
  const figures = runSynthScale([1, 50, 200], arg('runs', 3));
  console.log(`Synth at scale (median of ${figures.runs} fresh processes each)`);
  for (const r of figures.rows) {
    console.log(
      `${String(r.instances).padStart(4)} instances: app process ${(r.processMs / 1000).toFixed(2)} s (x${r.processRatio.toFixed(2)}), ` +
        `construct + synth ${r.synthMs.toFixed(0)} ms (x${r.synthRatio.toFixed(2)})`,
    );
  }
  writeResult('synth-scale', figures);
}

if (require.main === module) main();
