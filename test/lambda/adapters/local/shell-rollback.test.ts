import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellRollbackExecutor } from '../../../../lambda/adapters/local/shell-rollback.ts';
import { shellQuote } from '../../../../lambda/core/evidence/env-file.ts';
import type { RollbackHandle, RollbackRequest } from '../../../../lambda/core/gate/ports.ts';

const KILL_GRACE_MS = 2_000;
/** A timeout long enough for the shell to start its children even on a loaded machine, so they exist to be killed. */
const SETUP_MS = 750;

const REQUEST: RollbackRequest = {
  status: 'failed',
  status_reason: 'probe_failures',
  failed_urls: ['http://a.example/health', 'http://b.example/ready'],
  expected_version: '1.4.2',
};

/** The working directory of the current sequential test; the concurrent timeout tests make their own. */
let dir: string;

function executor(command: string, timeoutMs = 10_000): ShellRollbackExecutor {
  return new ShellRollbackExecutor({ command, timeoutMs, cwd: dir });
}

/** Whether a process is still running (a zombie waiting for its reaper counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** Ends a process this test started and deliberately left running. */
function stop(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

describe('ShellRollbackExecutor.run', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollgate-shell-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('really runs the command and reports success', async () => {
    const marker = join(dir, 'rolled-back');
    const result = await executor(`touch ${shellQuote(marker)}`).run(REQUEST);
    expect(existsSync(marker)).toBe(true);
    expect(result).toMatchObject({ attempted: true, ok: true, outcome: 'succeeded', exit_code: 0, output_tail: '' });
    expect(result.executor).toBe(`/bin/sh -c ${JSON.stringify(`touch ${shellQuote(marker)}`)}`);
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('hands the gate facts over as environment variables', async () => {
    const out = join(dir, 'env.txt');
    const command = `printf '%s\\n' "$ROLLGATE_STATUS" "$ROLLGATE_STATUS_REASON" "$ROLLGATE_FAILED_URLS" "$ROLLGATE_EXPECTED_VERSION" "$ROLLGATE_SERVICE" "$ROLLGATE_TARGET_VERSION" > ${shellQuote(out)}`;
    const request: RollbackRequest = {
      ...REQUEST,
      deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.4.1' },
    };
    const result = await executor(command).run(request);
    expect(result.ok).toBe(true);
    expect((await readFile(out, 'utf8')).split('\n')).toEqual([
      'failed',
      'probe_failures',
      'http://a.example/health,http://b.example/ready',
      '1.4.2',
      'checkout',
      '1.4.1',
      '',
    ]);
  });

  it('hands over the version the run chose to go back to, and where it came from', async () => {
    const out = join(dir, 'target.txt');
    const command = `printf '%s\\n' "$ROLLGATE_TARGET_VERSION" "$ROLLGATE_TARGET_SOURCE" > ${shellQuote(out)}`;
    const request: RollbackRequest = {
      ...REQUEST,
      deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.3.9' },
      target_version: '1.4.1',
      target_source: 'known_good',
    };
    expect((await executor(command).run(request)).ok).toBe(true);
    expect(await readFile(out, 'utf8')).toBe('1.4.1\nknown_good\n');
  });

  it.each([
    { name: 'a command substitution', url: (marker: string) => `http://a.example/$(touch ${marker})` },
    { name: 'backticks', url: (marker: string) => `http://a.example/\`touch ${marker}\`` },
    { name: 'a quote and a semicolon', url: (marker: string) => `http://a.example/';touch ${marker};'` },
  ])('never executes a failed URL holding $name', async ({ url }) => {
    const marker = join(dir, 'pwned');
    const out = join(dir, 'urls.txt');
    const hostile = url(marker);
    const result = await executor(`printf '%s' "$ROLLGATE_FAILED_URLS" > ${shellQuote(out)}`).run({
      ...REQUEST,
      failed_urls: [hostile],
    });
    expect(result.ok).toBe(true);
    expect(await readFile(out, 'utf8')).toBe(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    { command: 'exit 7', exitCode: 7, detail: 'exited with 7' },
    { command: 'echo nope >&2; exit 1', exitCode: 1, detail: 'exited with 1' },
    { command: 'kill -9 $$', exitCode: null, detail: 'ended by SIGKILL' },
  ])('records `$command` as failed with exit code $exitCode', async ({ command, exitCode, detail }) => {
    const result = await executor(command).run(REQUEST);
    expect(result).toMatchObject({ attempted: true, ok: false, outcome: 'failed', exit_code: exitCode, detail });
  });

  it('reports send_failed when the shell cannot start', async () => {
    const result = await new ShellRollbackExecutor({
      command: 'true',
      timeoutMs: 1_000,
      cwd: join(dir, 'missing'),
    }).run(REQUEST);
    expect(result).toMatchObject({ attempted: true, ok: false, outcome: 'send_failed', exit_code: null });
    expect(result.detail).toContain('could not start /bin/sh');
  });

  it('keeps only the last 4 KiB of a long output', async () => {
    const command = `head -c 100000 /dev/zero | tr '\\0' x; echo; echo "error: disk full" >&2; printf 'THE-END\\n'`;
    const result = await executor(command).run(REQUEST);
    const tail = result.output_tail ?? '';
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(tail, 'utf8')).toBeGreaterThan(4000);
    expect(tail).toMatch(/^x+\nerror: disk full\nTHE-END\n$|^x+\nTHE-END\nerror: disk full\n$/);
  });

  it('keeps multi-byte output whole at the cut', async () => {
    const result = await executor(`i=0; while [ $i -lt 3000 ]; do printf 'é'; i=$((i+1)); done; echo`).run(REQUEST);
    const tail = result.output_tail ?? '';
    expect(tail).not.toContain('\uFFFD');
    expect(tail).toMatch(/^é+\n$/);
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(4096);
  });
});

describe('ShellRollbackExecutor.run timeouts', () => {
  /**
   * Runs a command that writes the pids of its background children to a file, in a directory of its own (these tests
   * run side by side); reports them with the outcome.
   */
  async function runWithChildren(command: (pidsFile: string) => string, timeoutMs: number) {
    const own = await mkdtemp(join(tmpdir(), 'rollgate-shell-group-'));
    try {
      const pidsFile = join(own, 'pids');
      const started = performance.now();
      const result = await new ShellRollbackExecutor({
        command: command(shellQuote(pidsFile)),
        timeoutMs,
        cwd: own,
      }).run(REQUEST);
      const elapsed = performance.now() - started;
      const pids = (await readFile(pidsFile, 'utf8')).trim().split('\n').map(Number);
      return { result, elapsed, pids };
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  }

  it.concurrent('kills the whole process group on timeout and reports timed_out within timeout + grace', async () => {
    const timeoutMs = SETUP_MS;
    const { result, elapsed, pids } = await runWithChildren(
      (file) => `sleep 30 & echo $! > ${file}; sleep 30 & echo $! >> ${file}; echo started; wait`,
      timeoutMs,
    );
    expect(result).toMatchObject({
      ok: false,
      outcome: 'timed_out',
      detail: `still running after ${timeoutMs}ms; stopped`,
    });
    expect(result.output_tail).toBe('started\n');
    expect(elapsed).toBeLessThan(timeoutMs + KILL_GRACE_MS + 1_000);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(running(pid)).toBe(false);
  });

  it.concurrent('escalates to SIGKILL for a process group that ignores SIGTERM', async () => {
    const timeoutMs = SETUP_MS;
    const { result, elapsed, pids } = await runWithChildren(
      (file) => `trap '' TERM; sleep 30 & echo $! > ${file}; wait`,
      timeoutMs,
    );
    expect(result.outcome).toBe('timed_out');
    expect(elapsed).toBeLessThan(timeoutMs + KILL_GRACE_MS + 1_000);
    expect(running(pids[0]!)).toBe(false);
  });

  it.concurrent('still finishes on timeout when a process escaped the group and holds the output open', async () => {
    const timeoutMs = SETUP_MS;
    const { result, elapsed, pids } = await runWithChildren(
      (file) => `setsid sleep 30 & echo $! > ${file}; wait`,
      timeoutMs,
    );
    try {
      expect(result.outcome).toBe('timed_out');
      expect(elapsed).toBeLessThan(timeoutMs + KILL_GRACE_MS + 1_000);
    } finally {
      pids.forEach(stop);
    }
  });

  it.concurrent('reports a command that exits while a background process it started keeps the output open', async () => {
    const timeoutMs = 5_000;
    const { result, elapsed, pids } = await runWithChildren(
      (file) => `sleep 30 & echo $! > ${file}; echo restarted`,
      timeoutMs,
    );
    try {
      expect(result).toMatchObject({ ok: true, outcome: 'succeeded', exit_code: 0, output_tail: 'restarted\n' });
      expect(elapsed).toBeLessThan(timeoutMs);
      // What the rollback started (a restarted service) is left running: only a timeout stops the group.
      expect(running(pids[0]!)).toBe(true);
    } finally {
      pids.forEach(stop);
    }
  });
});

describe('ShellRollbackExecutor.checkProgram', () => {
  it.each([
    { command: '/bin/true', found: true, resolved: '/bin/true' },
    { command: '/bin/true --ignored args', found: true, resolved: '/bin/true' },
    { command: 'echo rolling back', found: true, resolved: 'shell builtin' },
    { command: 'ENV=prod /bin/true', found: true, resolved: '/bin/true' },
    { command: '"/bin/true"', found: true, resolved: '/bin/true' },
    { command: '/nonexistent/x', found: false, resolved: undefined },
    { command: 'rollgate-no-such-program-7f3a', found: false, resolved: undefined },
    { command: '   ', found: false, resolved: undefined },
  ])('finds `$command`: $found', ({ command, found, resolved }) => {
    const check = new ShellRollbackExecutor({ command, timeoutMs: 1_000 }).checkProgram();
    expect(check.found).toBe(found);
    expect(check.resolved).toBe(resolved);
  });

  it('looks a bare program up on PATH', () => {
    const check = new ShellRollbackExecutor({
      command: 'sh -c true',
      timeoutMs: 1_000,
      env: { PATH: '/nonexistent:/bin' },
    }).checkProgram();
    expect(check).toEqual({ program: 'sh', found: true, resolved: '/bin/sh' });
  });

  it('resolves a relative program against the working directory', () => {
    const check = new ShellRollbackExecutor({ command: './bin/true', timeoutMs: 1_000, cwd: '/' }).checkProgram();
    expect(check).toEqual({ program: './bin/true', found: true, resolved: '/bin/true' });
  });
});

describe('ShellRollbackExecutor.start and poll', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollgate-shell-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Polls until done, a few milliseconds apart, at most `attempts` times. */
  async function pollUntilDone(shell: ShellRollbackExecutor, handle: RollbackHandle, attempts = 2_000) {
    let running = 0;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const polled = await shell.poll(handle);
      if (polled.state === 'done') return { result: polled.result, running };
      running += 1;
      await new Promise((done) => setTimeout(done, 5));
    }
    throw new Error('the rollback never finished');
  }

  it('returns a handle at once, answers running while the command runs, then its outcome once', async () => {
    const marker = join(dir, 'done');
    const shell = executor(`sleep 0.3; touch ${shellQuote(marker)}; echo "back to $ROLLGATE_TARGET_VERSION"`);
    const started = await shell.start({ ...REQUEST, target_version: '1.4.1' });

    expect(started.state).toBe('started');
    if (started.state !== 'started') return;
    expect(started.handle).toMatchObject({ kind: 'shell', id: expect.any(String) });
    expect(Date.parse(started.handle.wait_until)).toBeGreaterThan(Date.parse(started.handle.started_at));
    expect(existsSync(marker)).toBe(false);
    expect(JSON.parse(JSON.stringify(started.handle))).toEqual(started.handle);

    const { result, running } = await pollUntilDone(shell, started.handle);
    expect(running).toBeGreaterThan(0);
    expect(existsSync(marker)).toBe(true);
    expect(result).toMatchObject({ ok: true, outcome: 'succeeded', output_tail: 'back to 1.4.1\n' });
    // Told once: a second poll of the same handle no longer knows it.
    expect(await shell.poll(started.handle)).toMatchObject({ state: 'done', result: { ok: false, outcome: 'failed' } });
  });

  it('reports a handle it did not start (another process, another kind) as failed, with why', async () => {
    const handle: RollbackHandle = {
      kind: 'ssm',
      id: 'cmd-1',
      started_at: new Date().toISOString(),
      wait_until: new Date().toISOString(),
    };
    const polled = await executor('true').poll(handle);
    expect(polled).toMatchObject({
      state: 'done',
      result: {
        attempted: true,
        ok: false,
        outcome: 'failed',
        detail: expect.stringContaining('only the process that started it'),
      },
    });
  });
});
