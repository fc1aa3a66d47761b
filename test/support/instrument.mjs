// Stryker's own instrumenter over every file `npm run mutate` mutates, each with `prefix` (JSON on stdin) put before
// its text: prints the files as given and each mutant found, with the reason a `// Stryker disable` comment gave it
// (1-based lines). For the tests of where those comments apply.
import { Instrumenter } from '@stryker-mutator/instrumenter';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesOf, GROUPS } from '../../scripts/mutation-data.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { prefix } = JSON.parse(fs.readFileSync(0, 'utf8'));
const files = Object.values(GROUPS)
  .flatMap((group) => filesOf(root, group.mutate))
  .map((name) => ({ name, content: prefix + fs.readFileSync(path.join(root, name), 'utf8') }));
const quiet = () => undefined;
const logger = {
  debug: quiet,
  info: quiet,
  trace: quiet,
  warn: quiet,
  error: quiet,
  fatal: quiet,
  isDebugEnabled: () => false,
  isTraceEnabled: () => false,
};
const { mutants } = await new Instrumenter(logger).instrument(
  files.map((file) => ({ ...file, mutate: true })),
  { plugins: null, excludedMutations: [], ignorers: [] },
);
const found = mutants.map((m) => ({
  file: m.fileName,
  line: m.location.start.line + 1,
  mutatorName: m.mutatorName,
  replacement: m.replacement,
  reason: m.statusReason,
}));
console.log(JSON.stringify({ files, mutants: found }));
