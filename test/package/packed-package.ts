// The package as a user gets it: the repository packed by `npm pack` (its prepack build included) and the tarball
// installed into a fresh project under the temp dir, which sees none of the repository's sources. The install is
// offline, from the npm cache `npm ci` filled, with a lock file seeded from the repository's own, so it is fast and
// needs no network; should a package be missing from the cache, it falls back to the registry.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What `npm pack` never ships or rebuilds itself; the copy leaves them out. */
const NOT_COPIED = new Set(['.git', '.venv', 'node_modules', 'dist', 'cdk.out', 'artifacts', 'coverage', '.work']);

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (bounded by `timeoutMs`) without blocking this process, which may serve loopback probes. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandRun> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Packs a copy of the working tree, so the build `npm pack` runs (it empties and refills dist/) never touches the
 * dist/ that other tests run the CLI from. Returns the tarball's path.
 */
export async function packRepository(): Promise<string> {
  const work = mkdtempSync(path.join(tmpdir(), 'rollgate-pack-'));
  const copy = path.join(work, 'rollgate');
  cpSync(REPO_ROOT, copy, {
    recursive: true,
    filter: (source) => source === REPO_ROOT || !NOT_COPIED.has(path.basename(source)),
  });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const run = await runCommand('npm', ['pack', '--pack-destination', work, '--silent'], {
    cwd: copy,
    env: userEnv(),
    timeoutMs: 180_000,
  });
  if (run.code !== 0) throw new Error(`npm pack exited ${run.code}:\n${run.stderr}`);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${work}`);
  return path.join(work, tarball);
}

/**
 * A new project outside the repository depending on the tarball and on `packages` (at the repository's locked
 * versions), installed. Returns its directory.
 */
export async function installConsumer(tarball: string, packages: readonly string[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-consumer-'));
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as RepositoryLock;
  const ownDependencies = Object.keys(
    (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: object })
      .dependencies ?? {},
  );
  const dependencies: Record<string, string> = { rollgate: `file:${tarball}` };
  for (const name of packages) dependencies[name] = lockedVersion(lock, name);
  const manifest = { name: 'rollgate-consumer', version: '1.0.0', private: true, dependencies };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    `${JSON.stringify(seededLock(lock, manifest, [...packages, ...ownDependencies]), null, 2)}\n`,
  );
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-update-notifier'];
  let run = await runCommand('npm', [...npmArgs, '--offline'], { cwd: dir, env: userEnv(), timeoutMs: 180_000 });
  if (run.code !== 0) {
    run = await runCommand('npm', [...npmArgs, '--prefer-offline'], {
      cwd: dir,
      env: userEnv(),
      timeoutMs: 300_000,
    });
  }
  if (run.code !== 0) throw new Error(`npm install in ${dir} exited ${run.code}:\n${run.stderr}`);
  return dir;
}

/**
 * The environment of a user's shell: without the settings of the `npm test` that started this test, and without the
 * repository's node_modules/.bin on the PATH; the npm cache stays the one `npm ci` filled (npm's own setting when
 * this test did not come through npm).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const pathEntries = (process.env.PATH ?? '').split(path.delimiter).filter((entry) => !entry.startsWith(REPO_ROOT));
  const cache = process.env.npm_config_cache;
  return {
    ...env,
    PATH: pathEntries.join(path.delimiter),
    ...(cache === undefined ? {} : { npm_config_cache: cache }),
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [field: string]: unknown;
}

interface RepositoryLock {
  readonly packages: Record<string, LockEntry>;
}

function lockedVersion(lock: RepositoryLock, name: string): string {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`${name} is not in the repository's package-lock.json`);
  return version;
}

/**
 * The repository lock's entries for `roots` and everything they need, as the consumer's lock: npm then installs
 * exactly those versions from the cache instead of asking the registry which versions exist.
 */
function seededLock(lock: RepositoryLock, manifest: { dependencies: Record<string, string> }, roots: string[]) {
  const packages: Record<string, LockEntry> = {};
  const visit = (key: string): void => {
    const entry = lock.packages[key];
    if (entry === undefined || key in packages) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[key] = kept;
    for (const nested of Object.keys(lock.packages)) if (nested.startsWith(`${key}/node_modules/`)) visit(nested);
    const needed = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(needed)) {
      if (entry.peerDependenciesMeta?.[name]?.optional) continue;
      const found = resolveInLock(lock, key, name);
      if (found !== undefined) visit(found);
    }
  };
  for (const name of roots) visit(`node_modules/${name}`);
  return {
    name: 'rollgate-consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'rollgate-consumer', version: '1.0.0', dependencies: manifest.dependencies }, ...packages },
  };
}

/** Node's lookup, over the lock's paths: the nearest node_modules/<name> from `from` upwards. */
function resolveInLock(lock: RepositoryLock, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base}/node_modules/${name}`;
    if (candidate in lock.packages) return candidate;
    const cut = base.lastIndexOf('/node_modules/');
    if (cut < 0) return `node_modules/${name}` in lock.packages ? `node_modules/${name}` : undefined;
    base = base.slice(0, cut);
  }
}
