// `npm run mutate [group ...]`: Stryker over each group (default: all), then mutation/SUMMARY.md from every report.
import { spawnSync } from 'node:child_process';

const groups = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['lambda', 'lib', 'emulator'];
for (const group of groups) {
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, STRYKER_GROUP: group } });
  console.log(`mutation group ${group}: ${Math.round((Date.now() - started) / 60_000)} min`);
  // At once, so a group's committed incremental file holds no machine paths even if a later group fails.
  spawnSync(process.execPath, ['scripts/mutation-paths.mjs'], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
spawnSync(process.execPath, ['scripts/mutation-summary.mjs'], { stdio: 'inherit' });
