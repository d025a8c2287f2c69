// Bundles the CLI into dist/rollgate.mjs so `npx rollgate` starts fast; run by `npm ci` through `prepare`, and by
// scripts/build-package.mjs for the npm package. In this repository bin/rollgate.mjs falls back to running the
// TypeScript through tsx whenever this bundle is missing or older than any source, so an edit is never hidden behind a
// stale build; the installed package has no sources and always runs this bundle.
// Code splitting keeps each dynamic import() a separate chunk: inlined into one file, its static imports of external
// packages (the AWS SDK behind `rollgate evidence`) would be hoisted to the top and loaded by every command.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function buildCli(root = ROOT) {
  // Chunk names carry a content hash; drop the last build's so dist/ holds only what this bundle imports.
  rmSync(join(root, 'dist', 'chunks'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['bin/rollgate.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli();
