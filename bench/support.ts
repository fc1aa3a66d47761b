/** Small helpers shared by the benchmarks. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RESULTS_DIR = path.join(__dirname, 'results');

/** A numeric `--name value` argument. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Writes bench/results/NAME.json (with the machine and time), and NAME.svg when given. */
export function writeResult(name: string, figures: unknown, extra: { svg?: string } = {}): void {
  const dir = process.env.BENCH_RESULTS_DIR ?? RESULTS_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const meta = { at: new Date().toISOString(), node: process.versions.node, cpus: require('node:os').cpus().length };
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ ...meta, ...(figures as object) }, null, 2)}\n`);
  if (extra.svg) fs.writeFileSync(path.join(dir, `${name}.svg`), extra.svg);
}
