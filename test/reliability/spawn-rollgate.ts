// Runs the real `rollgate` executable as a child process in a directory of its own, with only the environment the
// caller gives it (plus PATH and HOME), and keeps what it left behind: stdout, stderr, the evidence files and the files
// of a directory the caller names (a state directory). A directory made here is removed after the run.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../../bin/rollgate.mjs');
const EVIDENCE_FILES = ['health-gate.json', 'health-gate.env'] as const;

export interface RollgateRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The default evidence files, '' where the run wrote none. */
  readonly evidence: Readonly<Record<(typeof EVIDENCE_FILES)[number], string>>;
  /** The files under `options.collect`, each under its path; '' when there is none. */
  readonly collected: string;
}

export interface RollgateRunOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Files written into the run's directory first, by name. */
  readonly files?: Readonly<Record<string, string>>;
  /** Run in this directory (kept, for a later run) instead of a new one. */
  readonly cwd?: string;
  /** A directory, relative to the run's, whose files to return. */
  readonly collect?: string;
}

export function spawnRollgate(args: readonly string[], options: RollgateRunOptions = {}): Promise<RollgateRun> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'rollgate-leaks-'));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(cwd, name), content);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...options.env };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 25_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      const read = (name: string): string => {
        const path = join(cwd, 'artifacts/rollout', name);
        return existsSync(path) ? readFileSync(path, 'utf8') : '';
      };
      const collectDir = options.collect === undefined ? undefined : join(cwd, options.collect);
      const collected =
        collectDir === undefined || !existsSync(collectDir)
          ? ''
          : filesUnder(collectDir)
              .map((path) => `${path}\n${readFileSync(join(collectDir, path), 'utf8')}`)
              .join('\n');
      done({
        code,
        stdout,
        stderr,
        evidence: { 'health-gate.json': read('health-gate.json'), 'health-gate.env': read('health-gate.env') },
        collected,
      });
      if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
    });
  });
}

/** Paths of the files under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

// Taken at load, before a test stubs any of them: moto's endpoint and its test credentials.
const MOTO_ENVIRONMENT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[0].startsWith('AWS_') && entry[1] !== undefined,
  ),
);

/** The AWS_* variables that point `rollgate evidence` at moto. */
export function motoEnvironment(): Readonly<Record<string, string>> {
  return MOTO_ENVIRONMENT;
}
