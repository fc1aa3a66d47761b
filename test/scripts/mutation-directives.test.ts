/**
 * The reasons mutants are left travel with their code: each `// Stryker disable next-line <mutator>: <reason>` comment
 * in the mutated files disables a mutant of its line, as Stryker's own instrumenter reads the source, and an edit
 * elsewhere in the file (a blank line at the top) or a reformat leaves every comment on the same mutants.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
type Found = { file: string; line: number; mutatorName: string; replacement: string; reason?: string };

/** Every mutated file of the project, each with `prefix` before it, and the mutants Stryker finds in them. */
type Instrumented = { files: Array<{ name: string; content: string }>; mutants: Found[] };
const instrumented = new Map<string, Instrumented>();
function instrument(prefix: string): Instrumented {
  // Each prefix once per file: instrumenting every mutated file takes seconds.
  if (instrumented.has(prefix)) return instrumented.get(prefix)!;
  const run = spawnSync(process.execPath, [path.join(root, 'test', 'support', 'instrument.mjs')], {
    cwd: root,
    input: JSON.stringify({ prefix }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  instrumented.set(prefix, JSON.parse(run.stdout));
  return instrumented.get(prefix)!;
}
const DIRECTIVE = /^\s*\/\/ Stryker disable next-line ([a-zA-Z, ]+): (.+)$/;

test('every disable comment has a reason and disables a mutant of the line after it', () => {
  const { files, mutants: found } = instrument('');
  let comments = 0;
  for (const { name, content } of files) {
    const lines = content.split('\n');
    lines.forEach((text, index) => {
      if (!/Stryker disable/.test(text)) return;
      comments++;
      const match = DIRECTIVE.exec(text);
      expect([name, index + 1, match !== null]).toEqual([name, index + 1, true]);
      let target = index + 1;
      while (/^\s*\/\//.test(lines[target])) target++;
      const mutators = match![1].split(',').map((m) => m.trim());
      const disabled = found.filter((m) => m.file === name && m.line === target + 1 && mutators.includes(m.mutatorName) && m.reason);
      expect([name, index + 1, disabled.length > 0]).toEqual([name, index + 1, true]);
    });
  }
  expect(comments).toBeGreaterThan(50);
});

test('a blank line at the top of every mutated file orphans no reason: each stays on the same mutants', () => {
  const reasons = (found: Found[], shift: (file: string, line: number) => number) =>
    found.filter((m) => m.reason).map((m) => `${m.file}:${shift(m.file, m.line)} ${m.mutatorName} ${m.replacement} ${m.reason}`);
  const before = reasons(instrument('').mutants, (_file, line) => line + 1);
  expect(reasons(instrument('\n').mutants, (_file, line) => line)).toEqual(before);
  expect(before.length).toBeGreaterThan(100);
});
