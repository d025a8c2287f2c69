// The handler bundles the npm package ships prebuilt (scripts/build-package.mjs writes them to dist/lambda-assets/,
// beside the compiled construct in dist/lib/), so a CDK app that installed the package synthesizes with neither
// esbuild nor Rollgate's sources. In this repository there is no such folder and the construct bundles from source.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaHandlerName } from './lambda-handlers.ts';
import type { RollgatePowertools } from './rollgate-props.ts';

/** The bundles' folder in dist/, beside dist/lib/. */
export const PREBUILT_HANDLERS_FOLDER = 'lambda-assets';
export const PREBUILT_MANIFEST_FILE = 'manifest.json';
/** Where the bundles are from this module once compiled (dist/lib/ -> dist/lambda-assets/). */
const PREBUILT_HANDLERS_DIR = fileURLToPath(new URL(`../${PREBUILT_HANDLERS_FOLDER}/`, import.meta.url));

/** What the build recorded beside the bundles. */
export interface PrebuiltHandlersManifest {
  /** The Powertools version the bundles were built against: the public layer they load must be this one. */
  readonly powertoolsVersion: string;
  /** Each handler's bundle folders, relative to the manifest, by where Powertools comes from. */
  readonly handlers: Readonly<Record<string, Readonly<Record<RollgatePowertools, string>>>>;
}

export interface PrebuiltHandlers {
  readonly powertoolsVersion: string;
  /** The folder holding the handler's `index.js` (and its source map), ready for `lambda.Code.fromAsset`. */
  directory(handler: LambdaHandlerName, powertools: RollgatePowertools): string;
}

let cached: { readonly found: PrebuiltHandlers | undefined } | undefined;

/** The prebuilt bundles when they sit beside this module (the installed package), else undefined (sources). */
export function prebuiltHandlers(): PrebuiltHandlers | undefined {
  cached ??= { found: readPrebuiltHandlers(PREBUILT_HANDLERS_DIR) };
  return cached.found;
}

export function readPrebuiltHandlers(directory: string): PrebuiltHandlers | undefined {
  const manifestPath = path.join(directory, PREBUILT_MANIFEST_FILE);
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PrebuiltHandlersManifest;
  return {
    powertoolsVersion: manifest.powertoolsVersion,
    directory(handler, powertools) {
      const relative = manifest.handlers[handler]?.[powertools];
      const bundle = relative === undefined ? undefined : path.join(directory, relative);
      if (bundle === undefined || !existsSync(path.join(bundle, 'index.js'))) {
        // A package built without this handler, or damaged after install: say so rather than deploy an empty asset.
        throw new Error(
          `rollgate: the prebuilt ${handler} handler (${powertools} Powertools) is missing from ${directory}; ` +
            'reinstall the rollgate package',
        );
      }
      return bundle;
    },
  };
}
