// Bad config files, flags, environment values, deploy events and monitor inputs, one row each: every one is refused
// with a ConfigError that names the field and quotes the value (or says "value withheld" for a secret), never a stack
// trace. Most rows call the parsers in-process; the rows about what reaches stdout, stderr and the evidence files run
// the real CLI as a child process.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvidenceOptions } from '../../bin/cli/evidence-options.ts';
import { readGateOptions } from '../../bin/cli/gate-options.ts';
import { runCli } from '../../bin/cli/run-cli.ts';
import { parseDeployEvent } from '../../lambda/core/deploy-event-schema.ts';
import { ConfigError, ConfigErrors } from '../../lambda/core/errors.ts';
import { parseMonitorInput } from '../../lambda/core/monitor-schema.ts';
import { parseRollgateConfig, RollgateConfigFileError } from '../../lib/rollgate-config.ts';
import { RollgateConfigError } from '../../lib/rollgate-config-error.ts';
import { capturedIo } from '../bin/captured-io.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.ts';

const SECRET = 'tok-5ecret-9f8e7d6c';
const dir = mkdtempSync(join(tmpdir(), 'rollgate-bad-inputs-'));
mkdirSync(join(dir, 'a-directory'));

/** Writes `content` as `name` in the shared directory and returns the `--config` flags that read it. */
function configFile(name: string, content: string | Buffer): string[] {
  writeFileSync(join(dir, name), content);
  return ['--config', name];
}

function options(argv: readonly string[], env: Record<string, string> = {}): unknown {
  return readGateOptions(argv, env, dir);
}

function file(content: string | Buffer): () => unknown {
  return () => options(configFile('gate.json', content));
}

const url = 'http://127.0.0.1:9/health';
const target = (extra: Record<string, unknown>) => JSON.stringify({ targets: [{ url, ...extra }] });
const nested = (depth: number) => `{"targets":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const DETAIL = { service: 'checkout', environment: 'prod', version: '1.4.2', urls: ['https://a.example/health'] };
const ENVELOPE = { id: 'e-1', 'detail-type': 'Deployment Completed', source: 'ci', detail: DETAIL };
const MONITOR = { monitor: 'homepage', urls: ['https://www.example.com/health'] };
const deploy = (raw: unknown) => () => parseDeployEvent(raw, { invocationId: 'inv-1' });
const monitor = (raw: unknown) => () => parseMonitorInput(raw);
const json = (text: string) => JSON.parse(text) as unknown;
const PROTOTYPE = 'is not allowed (prototype keys are refused)';
const WITHHELD = '(value withheld)';

interface Row {
  readonly name: string;
  readonly run: () => unknown;
  readonly field: string;
  /** Text the message must contain: the quoted value, the rule, or "(value withheld)". */
  readonly shows: string;
  /** Text the message must not contain (a secret). */
  readonly hides?: string;
}

const ROWS: Row[] = [
  // Config files.
  {
    name: 'a top-level __proto__ hiding a rollback command',
    run: file('{"targets":[],"__proto__":{"rollback":{"command":"touch pwned"}}}'),
    field: 'gate.json: __proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'a constructor key inside a target',
    run: file('{"targets":[{"url":"http://a.example/","constructor":{}}]}'),
    field: 'gate.json: targets[0].constructor',
    shows: PROTOTYPE,
  },
  {
    name: 'a prototype key under rollback',
    run: file('{"targets":[],"rollback":{"prototype":{"command":"x"}}}'),
    field: 'gate.json: rollback.prototype',
    shows: PROTOTYPE,
  },
  {
    name: 'a JSON array',
    run: file('[1,2]'),
    field: '--config',
    shows: 'must hold a JSON object, not an array (got "gate.json")',
  },
  { name: 'a JSON string', run: file('"targets"'), field: '--config', shows: 'not a string' },
  { name: 'JSON null', run: file('null'), field: '--config', shows: 'not null' },
  { name: 'a JSON number', run: file('42'), field: '--config', shows: 'not a number' },
  { name: 'an empty file', run: file(''), field: '--config', shows: 'is not valid JSON: unexpected end of JSON input' },
  {
    name: 'a trailing comma',
    run: file('{\n  "targets": [\n    {"url": "http://a/",}\n  ]\n}'),
    field: '--config',
    shows: 'expected double-quoted property name at line 3, column 25',
  },
  {
    name: 'a JSON error next to a header secret',
    run: file(`{"targets":[{"url":"${url}","headers":{"Authorization": Bearer ${SECRET}}}]}`),
    field: '--config',
    shows: 'is not valid JSON',
    hides: SECRET,
  },
  {
    name: 'invalid UTF-8',
    run: file(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
    field: '--config',
    shows: 'is not valid UTF-8 text',
  },
  {
    name: 'a file over 16 MiB',
    run: file(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20)),
    field: '--config',
    shows: 'is larger than 16 MiB',
  },
  {
    name: 'JSON nested 100,000 deep',
    run: file(nested(100_000)),
    field: 'gate.json: targets[0]',
    shows: 'must be an object',
  },
  {
    name: 'a number given as a string',
    run: file('{"targets":[],"retries":"3"}'),
    field: 'gate.json: retries',
    shows: 'must be a number (got "3")',
  },
  {
    name: 'a number too large for a double',
    run: file('{"targets":[],"timeoutMs":1e999}'),
    field: 'gate.json: timeoutMs',
    shows: 'Infinity',
  },
  {
    name: 'a fraction where a count goes',
    run: file('{"targets":[],"retries":2.5}'),
    field: 'gate.json: retries',
    shows: '(got 2.5)',
  },
  {
    name: 'a negative retry count',
    run: file('{"targets":[],"retries":-1}'),
    field: 'gate.json: retries',
    shows: 'must be at least 0 (got -1)',
  },
  {
    name: 'an unknown field called toString',
    run: file('{"targets":[],"toString":1}'),
    field: 'gate.json: toString',
    shows: 'is not a known field (got 1)',
  },
  {
    name: 'a header value with a line break',
    run: file(target({ headers: { Authorization: `Bearer ${SECRET}\r\nX: 1` } })),
    field: 'gate.json: targets[0].headers.Authorization',
    shows: `must not contain line breaks or control characters ${WITHHELD}`,
    hides: SECRET,
  },
  {
    name: 'a header value that is a number',
    run: file(target({ headers: { 'X-Key': 12345678901234 } })),
    field: 'gate.json: targets[0].headers.X-Key',
    shows: WITHHELD,
    hides: '12345678901234',
  },
  {
    name: 'a header env reference that is not a name',
    run: file(target({ headers: { Authorization: { env: SECRET } } })),
    field: 'gate.json: targets[0].headers.Authorization.env',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'headers given as a string',
    run: file(target({ headers: `Authorization: ${SECRET}` })),
    field: 'gate.json: targets[0].headers',
    shows: `must be an object ${WITHHELD}`,
    hides: SECRET,
  },
  {
    name: 'an ftp target URL with a password',
    run: file(JSON.stringify({ targets: [{ url: `ftp://ops:${SECRET}@files.example/` }] })),
    field: 'gate.json: targets[0].url',
    shows: '"ftp://***:***@files.example/"',
    hides: SECRET,
  },
  {
    name: 'targets given as an object',
    run: file('{"targets":{"url":"http://a/"}}'),
    field: 'gate.json: targets',
    shows: 'must be an array',
  },
  {
    name: 'an empty rollback command',
    run: file('{"targets":[],"rollback":{"command":""}}'),
    field: 'gate.json: rollback.command',
    shows: 'must be at least 1 character long',
  },
  {
    name: 'a config file that does not exist',
    run: () => options(['--config', 'missing.json']),
    field: '--config',
    shows: 'cannot be read: ENOENT',
  },
  {
    name: 'a config path that is a directory',
    run: () => options(['--config', 'a-directory']),
    field: '--config',
    shows: 'cannot be read: EISDIR',
  },

  {
    name: 'a __proto__ in the stack config file',
    run: () => parseRollgateConfig(json('{"monitors":[{"name":"home","__proto__":{"rollbackOnFailure":true}}]}')),
    field: 'monitors[0].__proto__',
    shows: PROTOTYPE,
  },

  // Flags.
  {
    name: 'a stray URL argument with credentials',
    run: () => options([`https://ops:${SECRET}@a.example/`]),
    field: 'arguments',
    shows: 'unexpected argument "https://***:***@a.example/" (options start with --; did you mean --url?)',
    hides: SECRET,
  },
  {
    name: 'a flag name without its dashes',
    run: () => options(['json']),
    field: 'arguments',
    shows: 'unexpected argument "json" (options start with --; did you mean --json?)',
  },
  {
    name: 'a value after a switch',
    run: () => options(['--dry-run', 'true']),
    field: 'arguments',
    shows: '--dry-run is a switch and takes no value',
  },
  {
    name: 'an argument after --',
    run: () => options(['--', '--url']),
    field: 'arguments',
    shows: 'unexpected argument "--url"',
  },
  {
    name: 'a switch given a value',
    run: () => options(['--json=yes']),
    field: '--json',
    shows: 'is a switch and takes no value (write --json alone)',
  },
  { name: 'a value flag with no value', run: () => options(['--url']), field: '--url', shows: 'needs a value' },
  {
    name: 'an unknown flag',
    run: () => options(['--colour']),
    field: '--colour',
    shows: 'is not a rollgate gate option (got "--colour")',
  },
  { name: 'an unknown short flag', run: () => options(['-x']), field: '-x', shows: 'is not a rollgate gate option' },
  {
    name: 'the expected version twice',
    run: () => options(['--expect-version', '1.0.0', '--expect-version', '2.0.0']),
    field: '--expect-version',
    shows: 'is given more than once; give it once (got ["1.0.0","2.0.0"])',
  },
  {
    name: 'the rollback command twice',
    run: () => options(['--rollback-command', './a.sh', '--rollback-command=./b.sh']),
    field: '--rollback-command',
    shows: 'is given more than once',
  },
  {
    name: 'NaN as a timeout',
    run: () => options(['--timeout-ms', 'NaN']),
    field: '--timeout-ms',
    shows: 'must be a whole number (got "NaN")',
  },
  {
    name: 'an exponent as a retry count',
    run: () => options(['--retries', '1e3']),
    field: '--retries',
    shows: 'must be a whole number (got "1e3")',
  },
  {
    name: 'a hexadecimal retry count',
    run: () => options(['--retries', '0x10']),
    field: '--retries',
    shows: '(got "0x10")',
  },
  {
    name: 'a concurrency beyond any limit',
    run: () => options(['--concurrency', '99999999999999999999']),
    field: '--concurrency',
    shows: 'must be at most 512 (got 100000000000000000000)',
  },
  {
    name: 'a negative timeout',
    run: () => options(['--timeout-ms', '-5']),
    field: '--timeout-ms',
    shows: 'must be at least 1 (got -5)',
  },
  {
    name: 'an empty rollback timeout',
    run: () => options(['--rollback-timeout-ms', '']),
    field: '--rollback-timeout-ms',
    shows: 'must be a whole number (got "")',
  },
  {
    name: 'an ftp --url with a password',
    run: () => options(['--url', `ftp://ops:${SECRET}@files.example/`]),
    field: '--url',
    shows: 'ftp://***:***@files.example/',
    hides: SECRET,
  },
  {
    name: 'a shell command as a version',
    run: () => options(['--expect-version', '1.4.2; rm -rf /']),
    field: '--expect-version',
    shows: '(got "1.4.2; rm -rf /")',
  },
  {
    name: 'a word in a --url list',
    run: () => options(['--url', 'http://a.example/,,nope']),
    field: '--url',
    shows: 'is not a valid URL (got "nope")',
  },

  // Flags of rollgate evidence.
  {
    name: 'a stray argument to rollgate evidence list',
    run: () => readEvidenceOptions(['list', '--bucket', 'b', 'prod']),
    field: 'arguments',
    shows: 'unexpected argument "prod" (options start with --)',
  },
  {
    name: 'the bucket twice',
    run: () => readEvidenceOptions(['show', '--bucket', 'a', '--bucket', 'b', '--key', 'k']),
    field: '--bucket',
    shows: 'is given more than once; give it once (got ["a","b"])',
  },
  {
    name: 'an unknown evidence flag',
    run: () => readEvidenceOptions(['list', '--bucket', 'b', '--since', 'x']),
    field: '--since',
    shows: 'is not a rollgate evidence list option',
  },

  // Environment.
  {
    name: 'a multi-line RUNTIME_HEALTH_URLS with a bad line',
    run: () => options([], { RUNTIME_HEALTH_URLS: 'http://a.example/\n  nope\n' }),
    field: 'RUNTIME_HEALTH_URLS',
    shows: '(got "nope")',
  },
  {
    name: 'an ftp URL with a password in RUNTIME_HEALTH_URLS',
    run: () => options([], { RUNTIME_HEALTH_URLS: `http://a.example/,ftp://ops:${SECRET}@f.example/` }),
    field: 'RUNTIME_HEALTH_URLS',
    shows: 'ftp://***:***@f.example/',
    hides: SECRET,
  },
  {
    name: 'a ROLLGATE_FAIL_ON_SKIPPED that is not a boolean',
    run: () => options([], { ROLLGATE_FAIL_ON_SKIPPED: 'sometimes' }),
    field: 'ROLLGATE_FAIL_ON_SKIPPED',
    shows: 'must be true or false (got "sometimes")',
  },
  {
    name: 'a RUNTIME_EXPECTED_VERSION with a line break',
    run: () => options([], { RUNTIME_EXPECTED_VERSION: '1.4.2\nx' }),
    field: 'RUNTIME_EXPECTED_VERSION',
    shows: '(got "1.4.2\\nx")',
  },
  {
    name: 'a RUNTIME_ROLLBACK_COMMAND of 5,000 characters',
    run: () => options([], { RUNTIME_ROLLBACK_COMMAND: 'x'.repeat(5000) }),
    field: 'RUNTIME_ROLLBACK_COMMAND',
    shows: 'must be at most 4096 characters long',
  },

  // Deploy events.
  {
    name: 'an event detail with __proto__',
    run: deploy(
      json(
        `{"detail":{"service":"checkout","__proto__":{"urls":["http://evil.example/"]}},"id":"e-1","detail-type":"d","source":"s"}`,
      ),
    ),
    field: 'event.detail.__proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'an envelope with a constructor key',
    run: deploy({ ...ENVELOPE, constructor: 1 }),
    field: 'event.constructor',
    shows: PROTOTYPE,
  },
  {
    name: 'an event that is a string',
    run: deploy('{"service":"checkout"}'),
    field: 'event',
    shows: 'must be an object',
  },
  { name: 'an event that is null', run: deploy(null), field: 'event', shows: 'must be an object (got null)' },
  {
    name: 'a timeout given as a string',
    run: deploy({ ...ENVELOPE, detail: { ...DETAIL, timeoutMs: '5000' } }),
    field: 'detail.timeoutMs',
    shows: '(got "5000")',
  },
  {
    name: 'a retry count of NaN',
    run: deploy({ ...DETAIL, retries: Number.NaN }),
    field: 'retries',
    shows: 'must be a finite number, not NaN',
  },
  {
    name: 'a header value with a line break in an event',
    run: deploy({ ...DETAIL, urls: undefined, targets: [{ url, headers: { Authorization: `${SECRET}\n` } }] }),
    field: 'targets[0].headers.Authorization',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'an event URL with a password and a bad scheme',
    run: deploy({ ...DETAIL, urls: [`ftp://ops:${SECRET}@f.example/`] }),
    field: 'urls[0]',
    shows: 'ftp://***:***@f.example/',
    hides: SECRET,
  },
  {
    name: 'an empty rollback tag set',
    run: deploy({ ...DETAIL, rollback: { tags: {} } }),
    field: 'rollback.tags',
    shows: 'must hold 1-10 tags',
  },
  {
    name: 'a service name with a slash',
    run: deploy({ ...DETAIL, service: '../etc' }),
    field: 'service',
    shows: '(got "../etc")',
  },

  // Monitor inputs.
  {
    name: 'a monitor input with __proto__',
    run: monitor(json('{"monitor":"homepage","urls":["https://a.example/"],"__proto__":{"rollbackOnFailure":true}}')),
    field: 'monitor input.__proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'a monitor input that is an array',
    run: monitor([MONITOR]),
    field: 'monitor input',
    shows: 'must be an object',
  },
  {
    name: 'rollbackOnFailure as a string',
    run: monitor({ ...MONITOR, rollbackOnFailure: 'true' }),
    field: 'rollbackOnFailure',
    shows: 'must be true or false (got "true")',
  },
  {
    name: 'monitor headers given as an array',
    run: monitor({ monitor: 'homepage', targets: [{ url, headers: [SECRET] }] }),
    field: 'targets[0].headers',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'a monitor name of 65 characters',
    run: monitor({ ...MONITOR, monitor: 'm'.repeat(65) }),
    field: 'monitor',
    shows: 'must be 1-64 letters',
  },
];

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
    const parsed = readGateOptions(configFile('bom.json', `\ufeff${target({})}`), {}, dir) as {
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
  rmSync(dir, { recursive: true, force: true });
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
