// Bundles lambda/handler.ts and everything it imports (the FinSpace client is not in the Lambda runtime) into
// one file, the asset the construct deploys. `mainFields: module, main` lets esbuild take the packages' ES module
// builds and drop what the handler does not use.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--entry F --outfile O` bundles another entry point the same way (the cold-start benchmark's client-only reference).
const option = (name) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const entry = option('entry') ?? join(root, 'lambda', 'handler.ts');
const outfile = option('outfile') ?? join(root, 'assets', 'finspace-user-settings-handler', 'index.js');

// @aws-sdk/core marks its partition table (util-endpoints/aws.js) as having side effects: it registers endpoint
// rule-set functions this handler never uses. Treating the AWS SDK's modules as side-effect free lets esbuild drop
// them, and with them node:fs, node:os and node:path loads at cold start (68 KB -> 52 KB).
const sdkSideEffectFree = {
  name: 'sdk-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.sideEffectFree) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { sideEffectFree: true },
      });
      if (resolved.errors.length > 0 || !/[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(resolved.path))
        return resolved.errors.length > 0 ? undefined : resolved;
      return { ...resolved, sideEffects: false };
    });
  },
};

const THIRD_PARTY_FILE = 'THIRD-PARTY-LICENSES.txt';

/**
 * The licence (and NOTICE) of every npm package the bundle contains, grouped by identical text, so that the
 * shipped handler carries what the Apache-2.0 and MIT licences of the AWS SDK parts and their dependencies ask for.
 */
function thirdPartyLicenses(inputs) {
  const packages = new Map();
  for (const input of Object.keys(inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
    if (!match || packages.has(match[1])) continue;
    const dir = join(root, match[1]);
    const manifest = JSON.parse(fs.readFileSync(join(dir, 'package.json'), 'utf8'));
    const read = (pattern) => {
      const file = fs.readdirSync(dir).find((f) => pattern.test(f));
      return file ? fs.readFileSync(join(dir, file), 'utf8').trim() : undefined;
    };
    packages.set(match[1], {
      id: `${manifest.name}@${manifest.version}`,
      license: manifest.license ?? 'see its licence text',
      text: read(/^(LICEN[CS]E|COPYING)(\.(md|txt))?$/i) ?? `${manifest.license} (the package ships no licence file)`,
      notice: read(/^NOTICE(\.(md|txt))?$/i),
    });
  }
  const byText = new Map();
  for (const pkg of [...packages.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = `${pkg.text}\n${pkg.notice ?? ''}`;
    byText.set(key, [...(byText.get(key) ?? []), pkg]);
  }
  const sections = [...byText.values()].map((group) => {
    const [first] = group;
    const names = group.map((p) => `  ${p.id} (${p.license})`).join('\n');
    return `${names}\n\n${first.text}${first.notice ? `\n\n${first.notice}` : ''}`;
  });
  const header =
    'Third-party software bundled in this handler (index.js), with its licences. ' +
    `${packages.size} packages; packages under the same licence text share one copy of it.`;
  return `${header}\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The Lambda runtime is nodejs24.x; node20 syntax keeps the bundle runnable by this project's local tools too.
  target: 'node20',
  mainFields: ['module', 'main'],
  // @smithy/node-http-handler's ES build loads node:http with import(); as require() the bundle also runs in
  // module loaders without dynamic-import support (jest's VM) and starts a little faster.
  supported: { 'dynamic-import': false },
  minify: true,
  // Any licence comment in the bundled sources is kept; the licences of the bundled packages go in a file beside it.
  legalComments: 'eof',
  banner: {
    js: `/*! FinSpaceUserSettings handler (Apache-2.0). It bundles third-party packages: ${THIRD_PARTY_FILE} beside this file has their licences. */`,
  },
  metafile: true,
  logLevel: 'warning',
  plugins: [sdkSideEffectFree],
});
if (!option('entry')) fs.writeFileSync(join(dirname(outfile), THIRD_PARTY_FILE), thirdPartyLicenses(result.metafile.inputs));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
if (process.argv.includes('--report')) console.log(`handler bundle: ${bytes} bytes -> ${outfile}`);
