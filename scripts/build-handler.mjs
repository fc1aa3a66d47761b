// Bundles lambda/handler.ts and everything it imports (the FinSpace client is not in the Lambda runtime) into
// one file, the asset the construct deploys. `mainFields: module, main` lets esbuild take the packages' ES module
// builds and drop what the handler does not use.
import { build } from 'esbuild';
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
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [sdkSideEffectFree],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
if (process.argv.includes('--report')) console.log(`handler bundle: ${bytes} bytes -> ${outfile}`);
