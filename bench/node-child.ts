// Runs a short-lived Node child to completion and reads the JSON line it prints last. A child that fails, prints
// nothing parseable or outlives its time limit is killed by its own pid and reported with the tail of its stderr.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run here so `--import tsx` and `@aws-sdk/*` resolve from its node_modules. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const STDERR_TAIL_CHARS = 4_000;
const MAX_LINE_CHARS = 300;

export class BenchChildError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchChildError';
  }
}

export interface ChildRun {
  /** What the child is, for error messages: `memory child (gate)`. */
  readonly label: string;
  /** Arguments after the node executable. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Node arguments that run a TypeScript entry through tsx, the way every bench child is started. */
export function tsxArgs(entry: string, ...args: string[]): string[] {
  return ['--import', 'tsx', entry, ...args];
}

export function runJsonChild<T>(run: ChildRun): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, run.args, {
      cwd: REPO_ROOT,
      env: run.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new BenchChildError(`${run.label} could not start: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Node quotes the failing source line; in a minified bundle that is one line of kilobytes.
      const tail =
        stderr
          .trim()
          .split('\n')
          .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line))
          .join('\n') || '(no stderr)';
      if (timedOut) {
        reject(new BenchChildError(`${run.label} did not finish within ${run.timeoutMs} ms; stderr:\n${tail}`));
        return;
      }
      if (code !== 0) {
        reject(
          new BenchChildError(
            `${run.label} exited with code ${String(code)} (signal ${String(signal)}); stderr:\n${tail}`,
          ),
        );
        return;
      }
      const lastLine = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(lastLine) as T);
      } catch (error) {
        reject(
          new BenchChildError(
            `${run.label} printed no JSON result (last line ${JSON.stringify(lastLine.slice(0, 200))})`,
            { cause: error },
          ),
        );
      }
    });
  });
}
