// node:test's spec reporter, closed by the names of the failed tests and one plain line of the runner's own counts
// ("14 passed, 0 failed"), for a human and for CI's log: `npm run test:languages` runs its tests with it.
import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

export default async function* specWithCounts(source) {
  // The runner's summary: the root's diagnostics "pass N", "fail N", … that the spec reporter prints as "ℹ pass N".
  const counts = {};
  /** The names of the tests being reported, by nesting: a failed one is named with its suite's ("python › synth"). */
  const names = [];
  const failed = [];
  async function* counted() {
    for await (const event of source) {
      const { type, data } = event;
      if (type === 'test:start') names.splice(data.nesting, Infinity, data.name);
      if (type === 'test:fail' && data.details?.type !== 'suite') failed.push([...names.slice(0, data.nesting), data.name].join(' › '));
      const count = type === 'test:diagnostic' && data.nesting === 0 && /^(pass|fail|cancelled|skipped) (\d+)$/.exec(data.message);
      if (count) counts[count[1]] = Number(count[2]);
      yield event;
    }
  }
  yield* Readable.from(counted()).pipe(new spec());
  if (failed.length > 0) yield `failed: ${failed.join(', ')}\n`;
  const others = ['skipped', 'cancelled'].filter((k) => counts[k] > 0).map((k) => `, ${counts[k]} ${k}`);
  yield `${counts.pass ?? 0} passed, ${counts.fail ?? 0} failed${others.join('')}\n`;
}
