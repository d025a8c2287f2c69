// The GitHub Action's entry point against loopback services, with $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY pointed at
// temporary files: its outputs, its job summary, its exit code (the gate's), and the inputs table that action.yml
// must mirror. The packaged entry (`rollgate-action` from the tarball) is run in test/package/.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_INPUTS, gateArgvFromInputs, inputVariable } from '../../../bin/action/action-inputs.ts';
import { runAction } from '../../../bin/action/run-action.ts';
import { errorAnnotation, formatOutputs } from '../../../bin/action/github-step-io.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { captureError } from '../../support/capture-error.ts';
import {
  fixedService,
  healthyService,
  startLoopbackServer,
  type LoopbackServer,
} from '../../support/loopback-server.ts';
import { capturedIo } from '../captured-io.ts';
import { parseGithubOutputFile } from '../github-output-file.ts';
import { REPO_ROOT } from '../../support/repo-paths.ts';

const ACTION_YML = join(REPO_ROOT, 'action.yml');

let healthy: LoopbackServer;
let broken: LoopbackServer;
let hostile: LoopbackServer;

beforeAll(async () => {
  healthy = await startLoopbackServer(healthyService('v1.4.2'));
  broken = await startLoopbackServer(fixedService(503, { status: 'degraded', version: 'v1.4.1' }));
  hostile = await startLoopbackServer(fixedService(200, { status: 'ok', version: '9.9.9|<b>x</b>' }));
});

afterAll(async () => {
  await Promise.all([healthy.close(), broken.close(), hostile.close()]);
});

interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly dir: string;
}

/** Runs the Action in a fresh workspace with the given inputs, as action.yml passes them (INPUT_* variables). */
async function runActionWith(inputs: Record<string, string>, workspace?: (dir: string) => void): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-action-'));
  workspace?.(dir);
  const outputFile = join(dir, 'github-output');
  const summaryFile = join(dir, 'step-summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const variables = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]));
  const io = capturedIo(dir, { ...variables, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile });
  const code = await runAction(io);
  return {
    code,
    stdout: io.stdoutText(),
    outputs: parseGithubOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    dir,
  };
}

describe('the Action against loopback services', () => {
  it('passes with exit 0, sets status, status-reason and evidence, and summarizes each target', async () => {
    const run = await runActionWith({
      urls: healthy.url('/health'),
      'expect-version': '1.4.2',
      'evidence-dir': 'gate-evidence',
      'timeout-ms': '2000',
      retries: '0',
    });
    expect(run.code).toBe(0);
    const evidence = join(run.dir, 'gate-evidence', 'health-gate.json');
    expect(run.outputs).toEqual({ status: 'passed', 'status-reason': 'all_probes_healthy', evidence });
    expect(JSON.parse(readFileSync(evidence, 'utf8'))).toMatchObject({ status: 'passed' });
    expect(run.summary).toContain('### Rollgate gate passed: `all_probes_healthy`');
    expect(run.summary).toMatch(/Expected version 1\.4\.2, \d+ ms in all\./);
    expect(run.summary).toMatch(
      /\| OK \| http:\/\/127\.0\.0\.1:\d+\/health \| 200 \| v1\.4\.2 \| \d+ ms \| 1 \| {2}\|/,
    );
    expect(run.summary).toContain('**Rollback:** not needed');
    expect(run.stdout).toContain('Rollgate gate PASSED (all_probes_healthy)');
    expect(run.stdout).not.toContain('::error');
  });

  it('fails with exit 1, runs the rollback, and reports the failure in outputs, summary and an annotation', async () => {
    const run = await runActionWith({
      urls: `${healthy.url('/health')}\n${broken.url('/health')}`,
      'rollback-command': 'echo "rolling back <b>$ROLLGATE_FAILED_URLS</b>"',
      'timeout-ms': '2000',
      retries: '0',
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({
      status: 'failed',
      'status-reason': 'probe_failures',
      evidence: join(run.dir, 'artifacts', 'rollout', 'health-gate.json'),
    });
    expect(run.summary).toContain('### Rollgate gate failed: `probe_failures`');
    expect(run.summary).toMatch(/\| \*\*FAIL\*\* \| http:\/\/127\.0\.0\.1:\d+\/health \| 503 \| v1\.4\.1 \|/);
    expect(run.summary).toContain('\\[STATUS\\] 503 in \\[200-299\\]');
    expect(run.summary).toMatch(/\*\*Rollback:\*\* succeeded, exit 0 in \d+ ms/);
    // The rollback's output is shown as text, never as HTML.
    expect(run.summary).toContain(`<pre>rolling back &lt;b&gt;${broken.url('/health')}&lt;/b&gt;</pre>`);
    expect(run.stdout).toContain('::error title=Rollgate gate failed%3A probe_failures::');
  });

  it('keeps text a service sent from breaking the summary table or adding HTML', async () => {
    const run = await runActionWith({ urls: hostile.url('/health'), 'expect-version': '2.0.0', retries: '0' });
    expect(run.code).toBe(1);
    const row = run.summary.split('\n').find((line) => line.includes(hostile.url('/health')));
    expect(row).toBeDefined();
    expect(row).not.toContain('<b>');
    // Seven cells: the service's `|` is escaped, so it cannot open an eighth.
    expect(row!.split(/(?<!\\)\|/).length - 2).toBe(7);
    expect(row).toContain('9.9.9\\|&lt;b&gt;x&lt;/b&gt;');
  });

  it('brackets everything the gate printed so the runner reads no workflow command from it', async () => {
    const run = await runActionWith({ urls: broken.url('/health'), retries: '0' });
    const stops = [...run.stdout.matchAll(/^::stop-commands::(\S+)$/gm)].map((match) => match[1]);
    expect(stops.length).toBeGreaterThan(0);
    for (const token of stops) expect(run.stdout).toContain(`\n::${token}::\n`);
    const beforeFirstStop = run.stdout.slice(0, run.stdout.indexOf('::stop-commands::'));
    expect(beforeFirstStop).toBe('');
  });

  it('exits 3 when skipped under fail-on-skipped, and still reports the skipped verdict', async () => {
    const run = await runActionWith({ 'fail-on-skipped': 'true' });
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ status: 'skipped', 'status-reason': 'no_urls_configured' });
    expect(run.summary).toContain('### Rollgate gate skipped: `no_urls_configured`');
  });

  it('exits 2 with invalid_config evidence for a value the gate refuses, naming its flag', async () => {
    const run = await runActionWith({ urls: healthy.url('/health'), 'timeout-ms': 'soon' });
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({ status: 'failed', 'status-reason': 'invalid_config' });
    expect(run.summary).toContain('--timeout-ms');
  });

  it('exits 2 and sets no output for an input that is not true or false', async () => {
    const run = await runActionWith({ 'fail-on-skipped': 'sometimes' });
    expect(run.code).toBe(2);
    expect(run.outputs).toEqual({});
    expect(run.stdout).toBe(
      '::error title=Rollgate%3A bad input::input fail-on-skipped: must be true or false (got "sometimes")\n',
    );
  });

  it('reports no evidence path when the gate could not write its evidence, even beside an older record', async () => {
    const run = await runActionWith({ urls: healthy.url('/health'), 'evidence-dir': 'blocked/inner' }, (dir) => {
      writeFileSync(join(dir, 'blocked'), 'a file where the evidence directory should be');
    });
    expect(run.code).toBe(4);
    expect(run.outputs).toEqual({ status: 'passed', 'status-reason': 'all_probes_healthy', evidence: '' });

    const stale = await runActionWith({ urls: healthy.url('/health'), 'evidence-dir': 'old' }, (dir) => {
      mkdirSync(join(dir, 'old'));
      writeFileSync(join(dir, 'old', 'health-gate.json'), JSON.stringify({ status: 'passed', started_at: 'earlier' }));
    });
    expect(stale.outputs.evidence).toBe(join(stale.dir, 'old', 'health-gate.json'));
    expect(JSON.parse(readFileSync(stale.outputs.evidence!, 'utf8')).started_at).not.toBe('earlier');
  });
});

describe('the Action inputs', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['nothing for no inputs', {}, []],
    ['nothing for empty inputs', { INPUT_URLS: '  ', INPUT_RETRIES: '' }, []],
    [
      'each value as --flag=value',
      { INPUT_URLS: 'https://a/h\nhttps://b/h', INPUT_RETRIES: '1' },
      ['--url=https://a/h\nhttps://b/h', '--retries=1'],
    ],
    ['a value starting with a dash still as a value', { INPUT_ROLLBACK_COMMAND: '-x' }, ['--rollback-command=-x']],
    ['a true switch as the bare flag', { INPUT_FAIL_ON_SKIPPED: 'True' }, ['--fail-on-skipped']],
    ['a false switch as nothing', { INPUT_FAIL_ON_SKIPPED: 'false' }, []],
    [
      'the watch window as its flags',
      {
        INPUT_WINDOW: '5m',
        INPUT_INTERVAL: '10s',
        INPUT_BAKE: '60s',
        INPUT_FAILURE_THRESHOLD: '3',
        INPUT_VERIFY: '2m',
      },
      ['--window=5m', '--interval=10s', '--bake=60s', '--failure-threshold=3', '--verify=2m'],
    ],
  ])('gives the gate %s', (_label, env, argv) => {
    expect(gateArgvFromInputs(env)).toEqual(argv);
  });

  it('names the input when a switch is neither true nor false', () => {
    const error = captureError(() => gateArgvFromInputs({ INPUT_FAIL_ON_SKIPPED: 'yes' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('input fail-on-skipped');
  });

  it('matches action.yml: every input declared, each passed in its own variable, nothing else', () => {
    const yml = readFileSync(ACTION_YML, 'utf8');
    const inputsBlock = yml.slice(yml.indexOf('\ninputs:\n'), yml.indexOf('\noutputs:\n'));
    const declared = [...inputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]);
    const passed = [...yml.matchAll(/^ +(INPUT_[A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map(
      ([, variable, name]) => [variable, name],
    );
    const names = ACTION_INPUTS.map((input) => input.name);
    expect(declared).toEqual(names);
    expect(passed).toEqual(names.map((name) => [inputVariable(name), name]));
  });

  it('declares the outputs the Action sets', () => {
    const yml = readFileSync(ACTION_YML, 'utf8');
    const outputsBlock = yml.slice(yml.indexOf('\noutputs:\n'), yml.indexOf('\nruns:\n'));
    expect([...outputsBlock.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1])).toEqual([
      'status',
      'status-reason',
      'evidence',
    ]);
  });
});

describe('workflow files and commands', () => {
  it('keeps a line break in an output value from setting another output', () => {
    const text = formatOutputs({ status: 'passed\nevidence=/etc/passwd', evidence: '' });
    expect(parseGithubOutputFile(text)).toEqual({ status: 'passed\nevidence=/etc/passwd', evidence: '' });
  });

  it('keeps an annotation on one line whatever its message holds', () => {
    expect(errorAnnotation('a: b, c', 'line 1\n::add-mask::x\r100%')).toBe(
      '::error title=a%3A b%2C c::line 1%0A::add-mask::x%0D100%25\n',
    );
  });
});
