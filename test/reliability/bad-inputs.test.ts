// Bad config files, flags, environment values, deploy events and monitor inputs, one row each: every one is refused
// with a ConfigError that names the field and quotes the value (or says "value withheld" for a secret), never a stack
// trace. Most rows call the parsers in-process; the rows about what reaches stdout, stderr and the evidence files run
// the real CLI as a child process.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGateOptions } from '../../bin/cli/gate/gate-options.ts';
import { runCli } from '../../bin/cli/run-cli.ts';
import { ConfigError, ConfigErrors } from '../../lambda/core/errors.ts';
import { RollgateConfigFileError } from '../../lib/rollgate-config.ts';
import { RollgateConfigError } from '../../lib/rollgate-config-error.ts';
import { capturedIo } from '../bin/captured-io.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.ts';
import { BAD_INPUT_DIR, type BadInputRow, configFile, PROBE_URL, removeBadInputDir, SECRET } from './bad-input-row.ts';
import { CONFIG_FILE_ROWS } from './config-file-bad-input-rows.ts';
import { EVENT_ROWS, MONITOR_ROWS, STACK_CONFIG_ROWS } from './event-bad-input-rows.ts';
import { ENV_ROWS, FLAG_ROWS } from './flag-bad-input-rows.ts';

const ROWS: readonly BadInputRow[] = [
  ...CONFIG_FILE_ROWS,
  ...FLAG_ROWS,
  ...ENV_ROWS,
  ...EVENT_ROWS,
  ...MONITOR_ROWS,
  ...STACK_CONFIG_ROWS,
];
const dir = BAD_INPUT_DIR;
const url = PROBE_URL;

describe('bad inputs are refused by name', () => {
  it.each(ROWS)('$name: names $field', ({ run, field, shows, hides }) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(
      thrown instanceof ConfigError || thrown instanceof ConfigErrors || thrown instanceof RollgateConfigError,
    ).toBe(true);
    const errors: ReadonlyArray<{ field: string; message: string }> =
      thrown instanceof ConfigErrors
        ? thrown.errors
        : thrown instanceof RollgateConfigFileError
          ? thrown.problems
          : [thrown as ConfigError];
    const named = errors.find((error) => error.field === field);
    expect(named, `no error names ${field}: ${(thrown as Error).message}`).toBeDefined();
    expect(named?.message.startsWith(`${field}: `)).toBe(true);
    expect(named?.message).toContain(shows);
    const message = (thrown as Error).message;
    expect(message).not.toMatch(/\n\s+at /);
    if (hides !== undefined) expect(message).not.toContain(hides);
  });

  it('reads a config file that starts with a byte-order mark', () => {
    const parsed = readGateOptions(
      configFile('bom.json', `\ufeff${JSON.stringify({ targets: [{ url }] })}`),
      {},
      dir,
    ) as {
      config: { targets: unknown[] };
    };
    expect(parsed.config.targets).toEqual([{ url }]);
  });
});

describe('every command redacts what it writes to stderr', () => {
  it.each([
    ['rollgate evidence list', ['evidence', 'list', '--bucket', 'b', `https://ops:${SECRET}@a.example/`]],
    ['rollgate gate --dry-run', ['gate', '--dry-run', `https://ops:${SECRET}@a.example/`]],
    ['an unknown command', [`https://ops:${SECRET}@a.example/`]],
  ])('%s names a stray URL without its credentials', async (_command, argv) => {
    const io = capturedIo(dir);
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderrText()).toContain('"https://***:***@a.example/"');
    expect(io.stderrText() + io.stdoutText()).not.toContain(SECRET);
  });
});

// The real CLI, for what reaches stdout, stderr and the evidence files.

const CLI = resolve(import.meta.dirname, '../../bin/rollgate.mjs');

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly dir: string;
  /** stdout, stderr and both evidence files (empty where absent), for leak checks. */
  readonly everything: string;
}

function spawnCli(
  args: readonly string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): Promise<CliRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'rollgate-bad-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...baseEnv, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const evidence = ['health-gate.json', 'health-gate.env']
          .map((name) => join(cwd, 'artifacts/rollout', name))
          .map((path) => (existsSync(path) ? readFileSync(path, 'utf8') : ''))
          .join('\n');
        done({ code, stdout, stderr, dir: cwd, everything: `${stdout}\n${stderr}\n${evidence}` });
      },
    );
  });
}

let echoing: LoopbackServer;

beforeAll(async () => {
  // Fails every probe and echoes the request's query token back under a harmless key.
  echoing = await startLoopbackServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? '';
    sendJson(response, 503, { status: 'down', echo: token });
  });
});

afterAll(async () => {
  await echoing.close();
  removeBadInputDir();
});

describe.concurrent('the real CLI never prints or records a secret from bad input', () => {
  it('withholds a rejected header value from stdout, stderr, health-gate.json and health-gate.env', async () => {
    const config = JSON.stringify({ targets: [{ url, headers: { Authorization: `Bearer ${SECRET}\nX-Evil: 1` } }] });
    const run = await spawnCli(['gate', '--config', 'gate.json'], {}, { 'gate.json': config });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'rollgate: gate.json: targets[0].headers.Authorization: must not contain line breaks or control characters (value withheld)',
    );
    expect(readFileSync(join(run.dir, 'artifacts/rollout/health-gate.json'), 'utf8')).toContain('(value withheld)');
    expect(run.everything).not.toContain(SECRET);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('redacts the password of a rejected ftp URL on stderr and in the evidence', async () => {
    const run = await spawnCli(['gate'], { RUNTIME_HEALTH_URLS: `${url}\nftp://ops:${SECRET}@files.example/` });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'RUNTIME_HEALTH_URLS: must be an http: or https: URL, not ftp: (got "ftp://***:***@files.example/")',
    );
    expect(run.everything).not.toContain(SECRET);
  });

  it('refuses a __proto__ in the config file and never runs the rollback command hidden in it', async () => {
    const marker = join(dir, 'proto-rollback-ran');
    const config = `{"targets":[{"url":"${url}"}],"__proto__":{"rollback":{"command":"touch '${marker}'"}}}`;
    const run = await spawnCli(['gate', '--config', 'gate.json', '--retries', '0'], {}, { 'gate.json': config });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rollgate: gate.json: __proto__: is not allowed (prototype keys are refused)');
    expect(existsSync(marker)).toBe(false);
  });

  it('scrubs URL tokens that a service echoes and a rollback prints as a comma- or newline-separated list', async () => {
    const token = 'qt-1a2b3c4d5e6f';
    // Five characters: below the literal-scrub threshold, so only redacting each URL of the list on its own hides them.
    const passwords = ['Zq7x2', 'Wv3k9'];
    const urls = [echoing.url('/h0'), echoing.url(`/h1?token=${token}`)].map((each, index) =>
      each.replace('http://', `http://ops:${passwords[index]}@`),
    );
    const run = await spawnCli(['gate', '--retries', '0', '--json'], {
      RUNTIME_HEALTH_URLS: urls.join(','),
      RUNTIME_ROLLBACK_COMMAND:
        'echo "failed: $ROLLGATE_FAILED_URLS"; echo "configured: $RUNTIME_HEALTH_URLS"; printf "%s\\n" $(echo "$RUNTIME_HEALTH_URLS" | tr , " ")',
    });
    expect(run.code).toBe(1);
    const evidence = JSON.parse(run.stdout);
    expect(evidence.targets[1].attempts[0].body_excerpt).toContain('"echo":"***"');
    expect(evidence.rollback.output_tail).toContain('configured: ');
    for (const secret of [token, ...passwords]) expect(run.everything).not.toContain(secret);
  });

  it('names an unknown command without the credentials in it', async () => {
    const run = await spawnCli([`https://ops:${SECRET}@a.example/`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "https://***:***@a.example/"');
    expect(run.everything).not.toContain(SECRET);
  });
});
