import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the prebuilt handler bundle lives, relative to the package root (scripts/build-handler.mjs writes it). */
export const HANDLER_BUNDLE_DIR = path.join('assets', 'finspace-user-settings-handler');

/**
 * The folder holding the esbuild bundle of lambda/handler.ts. The bundle ships prebuilt, so that synth needs no
 * esbuild, Docker or network. From source (lib/) and from the compiled package (dist/lib/) alike.
 */
export function handlerBundleDir(): string {
  const candidates = [path.resolve(__dirname, '..', HANDLER_BUNDLE_DIR), path.resolve(__dirname, '..', '..', HANDLER_BUNDLE_DIR)];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.js')));
  if (!found) {
    throw new Error(
      `The FinSpaceUserSettings handler bundle is missing (looked for index.js in ${candidates.join(' and ')}). ` +
        'In a checkout of this project, run `npm run build:handler` (`cdk synth` in this project, `npm test` and `npm pack` also build it).',
    );
  }
  return found;
}
