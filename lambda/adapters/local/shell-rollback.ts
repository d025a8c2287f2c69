// Local rollback: the operator's command under `/bin/sh -c`, with a timeout that ends its whole process group.
// Facts about the failed gate reach it as environment variables (ROLLGATE_STATUS, ROLLGATE_FAILED_URLS,
// ROLLGATE_EXPECTED_VERSION, and ROLLGATE_TARGET_VERSION with its source when the run planned one), never spliced
// into the command string. `start` spawns it and returns; `poll` says whether it has finished (the child is followed
// by this process, so only the executor that started it can poll it); `run` is both, waiting in between.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type {
  RollbackExecutor,
  RollbackHandle,
  RollbackPoll,
  RollbackRequest,
  RollbackStart,
} from '../../core/gate/ports.ts';
import { ROLLBACK_OUTPUT_TAIL_BYTES, type RollbackResult } from '../../core/rollback/rollback-result.ts';
import { tailOf } from '../../core/secrets/redact.ts';

const KILL_GRACE_MS = 2_000;
/** The handle's kind: a shell rollback is followed only by the executor that spawned it. */
export const SHELL_ROLLBACK_KIND = 'shell';
/** How long output may keep arriving after the shell exits, before the pipes are let go. */
const OUTPUT_DRAIN_MS = 250;
/** Shell words that are not programs on PATH but are always there. */
const SHELL_BUILTINS = new Set([
  ':',
  '.',
  'true',
  'false',
  'echo',
  'printf',
  'exit',
  'test',
  '[',
  'cd',
  'exec',
  'set',
  'export',
  'command',
  'eval',
]);

export interface ShellRollbackOptions {
  readonly command: string;
  readonly timeoutMs: number;
  readonly cwd?: string;
  /** The environment the command inherits. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProgramCheck {
  readonly program: string;
  readonly found: boolean;
  readonly resolved?: string;
}

/** A rollback this executor started: its outcome once known, and the promise that brings it. */
interface ShellRun {
  readonly outcome: Promise<RollbackResult>;
  result?: RollbackResult;
}

export class ShellRollbackExecutor implements RollbackExecutor {
  private readonly options: ShellRollbackOptions;
  private readonly runs = new Map<string, ShellRun>();

  public constructor(options: ShellRollbackOptions) {
    this.options = options;
  }

  public describe(): string {
    return `/bin/sh -c ${JSON.stringify(this.options.command)}`;
  }

  /** Whether the command's first word is a program that exists (for --dry-run). */
  public checkProgram(): ProgramCheck {
    const program = firstWord(this.options.command);
    if (program === '') return { program, found: false };
    if (SHELL_BUILTINS.has(program)) return { program, found: true, resolved: 'shell builtin' };
    const env = this.options.env ?? process.env;
    const candidates = program.includes('/')
      ? [isAbsolute(program) ? program : join(this.options.cwd ?? process.cwd(), program)]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, program));
    const resolved = candidates.find(isExecutable);
    return resolved ? { program, found: true, resolved } : { program, found: false };
  }

  /** Spawns the command and returns its handle; the command runs on, bounded by its timeout. */
  public async start(request: RollbackRequest): Promise<RollbackStart> {
    const id = randomUUID();
    const startedAt = Date.now();
    const run: ShellRun = { outcome: this.spawnCommand(request) };
    run.outcome.then((result) => {
      run.result = result;
    });
    this.runs.set(id, run);
    // The command's timeout, the kill grace and the output drain bound it; a second more for the poll to see it.
    const boundMs = this.options.timeoutMs + KILL_GRACE_MS + OUTPUT_DRAIN_MS + 1_000;
    const handle: RollbackHandle = {
      kind: SHELL_ROLLBACK_KIND,
      id,
      started_at: new Date(startedAt).toISOString(),
      wait_until: new Date(startedAt + boundMs).toISOString(),
    };
    return { state: 'started', handle };
  }

  public async poll(handle: RollbackHandle): Promise<RollbackPoll> {
    const run = handle.kind === SHELL_ROLLBACK_KIND ? this.runs.get(handle.id) : undefined;
    if (run === undefined) return { state: 'done', result: this.unknownRun(handle) };
    if (run.result === undefined) return { state: 'running' };
    this.runs.delete(handle.id);
    return { state: 'done', result: run.result };
  }

  /** Starts the command and waits for its outcome: the one-shot gate's rollback. */
  public async run(request: RollbackRequest): Promise<RollbackResult> {
    const started = await this.start(request);
    if (started.state === 'done') return started.result;
    const run = this.runs.get(started.handle.id)!;
    const result = await run.outcome;
    this.runs.delete(started.handle.id);
    return result;
  }

  /** A handle this executor never started (another process's, or another kind's): its outcome cannot be known here. */
  private unknownRun(handle: RollbackHandle): RollbackResult {
    return {
      attempted: true,
      ok: false,
      outcome: 'failed',
      exit_code: null,
      duration_ms: Number.isFinite(Date.parse(handle.started_at))
        ? Math.max(0, Date.now() - Date.parse(handle.started_at))
        : null,
      output_tail: null,
      executor: this.describe(),
      detail: `the outcome of ${handle.kind} rollback ${handle.id} is unknown here: only the process that started it can follow it`,
    };
  }

  private spawnCommand(request: RollbackRequest): Promise<RollbackResult> {
    const started = performance.now();
    const output = new OutputTail(ROLLBACK_OUTPUT_TAIL_BYTES * 2);
    const base = {
      attempted: true as const,
      executor: this.describe(),
    };
    return new Promise<RollbackResult>((resolvePromise) => {
      let timedOut = false;
      let settled = false;
      const finish = (result: Omit<RollbackResult, 'attempted' | 'duration_ms' | 'output_tail'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        clearTimeout(drainTimer);
        resolvePromise({
          ...base,
          ...result,
          duration_ms: Math.round(performance.now() - started),
          output_tail: tailOf(output.text(), ROLLBACK_OUTPUT_TAIL_BYTES),
        });
      };
      const child = spawn('/bin/sh', ['-c', this.options.command], {
        cwd: this.options.cwd,
        env: {
          ...(this.options.env ?? process.env),
          ROLLGATE_STATUS: request.status,
          ROLLGATE_STATUS_REASON: request.status_reason,
          ROLLGATE_FAILED_URLS: request.failed_urls.join(','),
          ROLLGATE_EXPECTED_VERSION: request.expected_version ?? '',
          ...(request.deploy
            ? {
                ROLLGATE_SERVICE: request.deploy.service,
                ROLLGATE_ENVIRONMENT: request.deploy.environment,
                ROLLGATE_FAILED_VERSION: request.deploy.version,
                ROLLGATE_TARGET_VERSION: request.deploy.previous_version ?? '',
              }
            : {}),
          // The version the run chose to go back to (a known-good one): it wins over the event's previousVersion.
          ...(request.target_version !== undefined
            ? {
                ROLLGATE_TARGET_VERSION: request.target_version,
                ROLLGATE_TARGET_SOURCE: request.target_source ?? 'known_good',
              }
            : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let killTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      // 'close' waits for every holder of the output pipes. A process the command left running (a restarted service)
      // or one that escaped the group may hold them for ever, so once the shell is gone the outcome is its own.
      const settleSoon = (): void => {
        if (drainTimer !== undefined || exited === undefined) return;
        drainTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          report(exited!.code, exited!.signal);
        }, OUTPUT_DRAIN_MS);
      };
      let killed = false;
      const timer = setTimeout(() => {
        // The shell finished in time; what it left running in the background is not ours to stop.
        if (exited !== undefined) return;
        timedOut = true;
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => {
          killed = true;
          killGroup(child.pid, 'SIGKILL');
          settleSoon();
        }, KILL_GRACE_MS);
      }, this.options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
      child.on('error', (error) => {
        finish({
          ok: false,
          outcome: 'send_failed',
          exit_code: null,
          detail: `could not start /bin/sh: ${error.message}`,
        });
      });
      const report = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (timedOut) {
          finish({
            ok: false,
            outcome: 'timed_out',
            exit_code: code,
            detail: `still running after ${this.options.timeoutMs}ms; stopped`,
          });
        } else if (code === 0) {
          finish({ ok: true, outcome: 'succeeded', exit_code: 0 });
        } else {
          finish({
            ok: false,
            outcome: 'failed',
            exit_code: code,
            detail: signal ? `ended by ${signal}` : `exited with ${code}`,
          });
        }
      };
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        // After a timeout, let the SIGKILL escalation run first: the rest of the group is still being stopped.
        if (!timedOut || killed) settleSoon();
      });
      child.on('close', (code, signal) => report(code, signal));
    });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first word of a shell command, with simple quotes removed; skips leading VAR=value assignments. */
export function firstWord(command: string): string {
  const words = command.trim().match(/"[^"]*"|'[^']*'|[^\s;&|]+/g) ?? [];
  const word = words.find((candidate) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(candidate)) ?? '';
  return word.replace(/^["']|["']$/g, '');
}

/** Keeps only the last `limit` bytes of a stream's output, however much it writes. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  public constructor(private readonly limit: number) {}

  public push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  public text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}
