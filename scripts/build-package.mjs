// Builds everything the npm package ships into dist/; `npm pack` and `npm publish` run it through `prepack`, with tsx
// loaded so it reads the handler list and bundling settings from lib/ itself (node --import tsx):
//   dist/rollgate.mjs, dist/chunks/   the CLI (scripts/build-cli.mjs)
//   dist/action.mjs                   the GitHub Action's entry, one self-contained file (`rollgate-action`)
//   dist/lambda/, dist/lib/           the engine (`rollgate`) and the construct (`rollgate/cdk`) as JavaScript with
//                                     .d.ts types (tsconfig.build.json)
//   dist/lambda-assets/               each Lambda handler prebuilt, with and without Powertools, plus a manifest, so
//                                     the construct deploys them as assets and a CDK app needs no esbuild
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  HANDLER_BUNDLING,
  handlerExternalModules,
  LAMBDA_HANDLER_NAMES,
  LAMBDA_HANDLERS,
} from '../lib/lambda-handlers.ts';
import { installedPowertoolsVersion } from '../lib/powertools-layer.ts';
import { PREBUILT_HANDLERS_FOLDER, PREBUILT_MANIFEST_FILE } from '../lib/prebuilt-handlers.ts';
import { buildCli } from './build-cli.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const POWERTOOLS_SOURCES = ['layer', 'bundled'];

rmSync(DIST, { recursive: true, force: true });
await Promise.all([compileTypeScript(), buildCli(ROOT), buildAction(), buildHandlers()]);

/** tsc with tsconfig.build.json: the sources' `.ts` imports become `.js`, with a .d.ts beside each file. */
function compileTypeScript() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`tsc -p tsconfig.build.json exited ${code}`))));
  });
}

/** Everything bundled in (zod included), so the file runs on its own wherever the Action's step puts it. */
function buildAction() {
  return build({
    absWorkingDir: ROOT,
    entryPoints: ['bin/action/rollgate-action.ts'],
    outfile: 'dist/action.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
}

/** The esbuild options NodejsFunction derives from the same settings (lib/rollgate-function.ts), one folder each. */
async function buildHandlers() {
  const handlers = {};
  for (const name of LAMBDA_HANDLER_NAMES) {
    handlers[name] = {};
    for (const powertools of POWERTOOLS_SOURCES) {
      const folder = `${name}/${powertools}`;
      handlers[name][powertools] = folder;
      await build({
        absWorkingDir: ROOT,
        entryPoints: [join(ROOT, LAMBDA_HANDLERS[name])],
        outfile: join(DIST, PREBUILT_HANDLERS_FOLDER, folder, 'index.js'),
        bundle: true,
        platform: 'node',
        target: HANDLER_BUNDLING.target,
        format: HANDLER_BUNDLING.format,
        minify: HANDLER_BUNDLING.minify,
        sourcemap: HANDLER_BUNDLING.sourceMap,
        sourcesContent: HANDLER_BUNDLING.sourcesContent,
        supported: HANDLER_BUNDLING.supported,
        external: handlerExternalModules(powertools),
        logLevel: 'warning',
      });
    }
  }
  const manifest = { powertoolsVersion: installedPowertoolsVersion(), handlers };
  mkdirSync(join(DIST, PREBUILT_HANDLERS_FOLDER), { recursive: true });
  writeFileSync(join(DIST, PREBUILT_HANDLERS_FOLDER, PREBUILT_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
