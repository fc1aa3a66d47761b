// Stryker's incremental files keep each failing test's stack trace, with this machine's absolute paths (the project
// folder and its sandbox). They are committed so that a rerun is incremental; the paths are made project-relative
// first. Run by scripts/mutate.mjs after each group.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const machinePath = new RegExp(`${escaped}/(?:\\.stryker-tmp/sandbox-[^/]+/)?`, 'g');
for (const name of fs.readdirSync(path.join(root, 'mutation')).filter((f) => /^incremental-.*\.json$/.test(f))) {
  const file = path.join(root, 'mutation', name);
  const text = fs.readFileSync(file, 'utf8').replace(machinePath, '');
  fs.writeFileSync(file, text.replace(`"projectRoot": ${JSON.stringify(root)}`, '"projectRoot": "."'));
}
