#!/usr/bin/env node
// The `rollgate` executable. The installed package ships no sources, only the bundle (dist/rollgate.mjs), and runs
// it. In the repository it runs the bundle built by `npm ci` (scripts/build-cli.mjs) when it is newer than every
// source file, else the TypeScript itself through tsx (a dev dependency), so the CLI never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'rollgate.mjs');
const sourceEntry = join(root, 'bin', 'rollgate.ts');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    const sources = Math.max(
      newestSource(join(root, 'bin')),
      newestSource(join(root, 'lambda')),
      statSync(join(root, 'package.json')).mtimeMs,
    );
    return built >= sources;
  } catch {
    return false;
  }
}

if (!existsSync(sourceEntry) || bundleIsFresh()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./rollgate.ts');
}
