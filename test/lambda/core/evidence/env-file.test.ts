import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEnvFile, shellQuote } from '../../../../lambda/core/evidence/env-file.ts';
import { healthyTarget, sampleEvidence, unhealthyTarget, unreachableTarget } from './sample-evidence.ts';

const run = promisify(execFile);

describe('shellQuote', () => {
  it.each([
    { value: '', quoted: "''" },
    { value: 'plain', quoted: "'plain'" },
    { value: "it's", quoted: "'it'\\''s'" },
    { value: "''", quoted: "''\\'''\\'''" },
    { value: '$(id) `id` $HOME', quoted: "'$(id) `id` $HOME'" },
    { value: 'a\nb', quoted: "'a\nb'" },
  ])('quotes $value as $quoted', ({ value, quoted }) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});

describe('renderEnvFile', () => {
  it('writes one NAME=value line per CI contract variable, in order', () => {
    const document = sampleEvidence({
      targets: [
        healthyTarget('http://a.example/health'),
        unhealthyTarget('http://b.example/health'),
        unreachableTarget('http://c.example/'),
      ],
      expectedVersion: '1.4.2',
    });
    expect(renderEnvFile(document, '/work/out/health-gate.json')).toBe(
      [
        "HEALTH_GATE_STATUS='failed'",
        "HEALTH_GATE_STATUS_REASON='probe_failures'",
        "HEALTH_GATE_MESSAGE='2/3 target(s) failing'",
        "HEALTH_GATE_ROLLBACK_ATTEMPTED='false'",
        "HEALTH_GATE_ROLLBACK_OUTCOME='not_configured'",
        "HEALTH_GATE_ROLLBACK_EXIT_CODE=''",
        "HEALTH_GATE_TARGETS_TOTAL='3'",
        "HEALTH_GATE_TARGETS_FAILING='2'",
        "HEALTH_GATE_FAILED_URLS='http://b.example/health,http://c.example/'",
        "HEALTH_GATE_EXPECTED_VERSION='1.4.2'",
        "HEALTH_GATE_STARTED_AT='2026-01-07T10:00:00.000Z'",
        "HEALTH_GATE_FINISHED_AT='2026-01-07T10:00:01.250Z'",
        "HEALTH_GATE_EVIDENCE='/work/out/health-gate.json'",
        '',
      ].join('\n'),
    );
  });

  it.each([
    { name: 'a skipped gate', document: sampleEvidence(), status: 'skipped', failed: '', version: '' },
    {
      name: 'a passed gate',
      document: sampleEvidence({ targets: [healthyTarget('http://a.example/')], expectedVersion: 'v2' }),
      status: 'passed',
      failed: '',
      version: 'v2',
    },
    {
      name: 'an invalid config',
      document: sampleEvidence({ configProblem: 'timeoutMs: too small (got -1)' }),
      status: 'failed',
      failed: '',
      version: '',
    },
  ])('renders $name with status $status', ({ document, status, failed, version }) => {
    const text = renderEnvFile(document, '/e.json');
    expect(text).toContain(`HEALTH_GATE_STATUS='${status}'\n`);
    expect(text).toContain(`HEALTH_GATE_FAILED_URLS='${failed}'\n`);
    expect(text).toContain(`HEALTH_GATE_EXPECTED_VERSION='${version}'\n`);
  });
});

describe('renderEnvFile sourced by bash', () => {
  let dir: string;
  let marker: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollgate-env-'));
    marker = join(dir, 'pwned');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Sources the file in `set -eu` bash and returns the variables it defined, NUL-separated so newlines survive. */
  async function sourceInBash(file: string, names: readonly string[]): Promise<Record<string, string>> {
    const script = `set -eu; source "$1"; printf '%s\\0' ${names.map((name) => `"$${name}"`).join(' ')}`;
    const { stdout } = await run('bash', ['-c', script, 'x', file], { timeout: 10_000 });
    const values = stdout.split('\0').slice(0, names.length);
    return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '(unset)']));
  }

  const hostile = (markerPath: string) => ({
    message: `it's "done"; $(touch ${markerPath}) \`touch ${markerPath}\` & echo hi > ${markerPath} ; rm -rf ${markerPath}\nsecond line\r\nthird`,
    urls: [`http://a.example/'$(touch%20${markerPath})'`, `http://b.example/x;touch${markerPath}\`id\`$HOME"q"`],
    evidencePath: `/tmp/it's here/$(touch ${markerPath})\n\`touch ${markerPath}\`/health-gate.json`,
  });

  it('round-trips hostile values exactly, executing nothing', async () => {
    const values = hostile(marker);
    const document = sampleEvidence({
      targets: values.urls.map((url) => unreachableTarget(url)),
      message: values.message,
    });
    const file = join(dir, 'health-gate.env');
    await writeFile(file, renderEnvFile(document, values.evidencePath));

    const read = await sourceInBash(file, [
      'HEALTH_GATE_STATUS',
      'HEALTH_GATE_MESSAGE',
      'HEALTH_GATE_FAILED_URLS',
      'HEALTH_GATE_EVIDENCE',
      'HEALTH_GATE_TARGETS_FAILING',
      'HEALTH_GATE_ROLLBACK_EXIT_CODE',
    ]);

    expect(read).toEqual({
      HEALTH_GATE_STATUS: 'failed',
      // The message is kept on one line for line-oriented readers; everything else in it survives as written.
      HEALTH_GATE_MESSAGE: values.message.replace(/[\r\n]+/g, ' '),
      HEALTH_GATE_FAILED_URLS: values.urls.join(','),
      HEALTH_GATE_EVIDENCE: values.evidencePath,
      HEALTH_GATE_TARGETS_FAILING: '2',
      HEALTH_GATE_ROLLBACK_EXIT_CODE: '',
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('sources every variable it writes, each on its own line', async () => {
    const document = sampleEvidence({
      targets: [unhealthyTarget(`http://a.example/$(touch ${marker})`)],
      message: "a 'b'",
    });
    const text = renderEnvFile(document, join(dir, 'health-gate.json'));
    const names = text
      .trim()
      .split('\n')
      .map((line) => line.slice(0, line.indexOf('=')));
    const file = join(dir, 'health-gate.env');
    await writeFile(file, text);

    const read = await sourceInBash(file, names);

    expect(names).toHaveLength(13);
    expect(Object.values(read)).not.toContain('(unset)');
    expect(read.HEALTH_GATE_MESSAGE).toBe("a 'b'");
    expect(read.HEALTH_GATE_FAILED_URLS).toBe(`http://a.example/$(touch ${marker})`);
    expect(existsSync(marker)).toBe(false);
  });
});
