// `rollgate gate` without --state-dir over a fixed set of outcomes, in-process, with each run's evidence files, exit
// code, stdout and stderr made comparable (times, durations, ports and the temporary directory replaced). The baseline
// beside it (stateless-gate-baseline.json) was recorded before runs had state; the CI contract must never drift from it.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGateCommand } from '../../../../bin/cli/gate/gate-command.ts';
import { fixedService, healthyService, startLoopbackServer } from '../../../support/loopback-server.ts';
import { capturedIo } from '../../captured-io.ts';

export interface StatelessGateRun {
  readonly scenario: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly evidence: unknown;
  readonly envFile: string;
}

interface Scenario {
  readonly name: string;
  /** `HEALTHY`, `BROKEN` and `OLD` in an argument become those services' /health URLs. */
  readonly args: readonly string[];
}

export const STATELESS_GATE_SCENARIOS: readonly Scenario[] = [
  { name: 'passed', args: ['--url', 'HEALTHY', '--expect-version', '1.4.2'] },
  {
    name: 'failed, rollback succeeds',
    args: ['--url', 'HEALTHY,BROKEN', '--rollback-command', 'echo "rolled back to ${ROLLGATE_TARGET_VERSION-unset}"'],
  },
  { name: 'failed, no rollback configured', args: ['--url', 'BROKEN'] },
  {
    name: 'version mismatch, rollback fails',
    args: ['--url', 'OLD', '--expect-version', '1.4.2', '--rollback-command', 'echo no; exit 3'],
  },
  { name: 'skipped', args: [] },
  { name: 'skipped under --fail-on-skipped', args: ['--fail-on-skipped'] },
  { name: 'invalid flag value', args: ['--url', 'HEALTHY', '--concurrency', '0'] },
  { name: 'header secret not set', args: ['--config', 'SECRET_CONFIG'] },
];

/** Runs every scenario against fresh loopback services and returns the normalized runs. */
export async function runStatelessGateScenarios(): Promise<StatelessGateRun[]> {
  const healthy = await startLoopbackServer(healthyService('v1.4.2'));
  const broken = await startLoopbackServer(fixedService(503, { status: 'degraded', version: 'v1.4.2' }));
  const old = await startLoopbackServer(healthyService('1.4.1'));
  const urls: Readonly<Record<string, string>> = {
    HEALTHY: healthy.url('/health'),
    BROKEN: broken.url('/health'),
    OLD: old.url('/health'),
  };
  try {
    const runs: StatelessGateRun[] = [];
    for (const scenario of STATELESS_GATE_SCENARIOS) {
      const dir = await mkdtemp(join(tmpdir(), 'rollgate-stateless-'));
      try {
        // A header whose environment reference is not set: a configuration problem, never the prober's.
        const secretConfig = join(dir, 'gate.json');
        const headers = { authorization: { env: 'NOT_SET_TOKEN' } };
        await writeFile(secretConfig, JSON.stringify({ targets: [{ url: urls.HEALTHY, headers }] }));
        const args = scenario.args.map((arg) =>
          arg === 'SECRET_CONFIG' ? secretConfig : arg.replace(/HEALTHY|BROKEN|OLD/g, (name) => urls[name]!),
        );
        const io = capturedIo(dir);
        const code = await runGateCommand(['--backoff-ms', '0', '--retries', '0', ...args], io);
        const evidence = JSON.parse(await readFile(join(dir, 'artifacts/rollout/health-gate.json'), 'utf8'));
        const envFile = await readFile(join(dir, 'artifacts/rollout/health-gate.env'), 'utf8');
        const replacements: Array<[string, string]> = [
          [dir, '<dir>'],
          [healthy.origin, 'http://healthy'],
          [broken.origin, 'http://broken'],
          [old.origin, 'http://old'],
        ];
        runs.push({
          scenario: scenario.name,
          code,
          stdout: normalizeText(io.stdoutText(), replacements),
          stderr: normalizeText(io.stderrText(), replacements),
          evidence: normalizeValue(evidence, replacements),
          envFile: normalizeText(envFile, replacements),
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return runs;
  } finally {
    await Promise.all([healthy.close(), broken.close(), old.close()]);
  }
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const TIMING_KEYS = new Set(['duration_ms', 'latency_ms']);

function normalizeText(text: string, replacements: ReadonlyArray<[string, string]>): string {
  let out = text;
  for (const [from, to] of replacements) out = out.split(from).join(to);
  return (
    out
      .replace(ISO_TIME, '<time>')
      // Summary columns pad latencies to their width: a faster answer must not shift the line.
      .replace(/ *\b\d+ ?ms\b/g, ' <n>ms')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
  );
}

function normalizeValue(value: unknown, replacements: ReadonlyArray<[string, string]>): unknown {
  if (typeof value === 'string') return normalizeText(value, replacements);
  if (Array.isArray(value)) return value.map((item) => normalizeValue(item, replacements));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        TIMING_KEYS.has(key) && typeof inner === 'number' ? 0 : normalizeValue(inner, replacements),
      ]),
    );
  }
  return value;
}
