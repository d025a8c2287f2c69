// `rollgate gate --config rollgate.config.json --service S --environment E` as a real child process: the stack's own
// config file gates a registered service with its targets, probe budget and rollback command; without --service the
// file's top-level gate settings apply as before; a service the file does not register, or a misspelt field anywhere
// in it, is refused naming the flag or the field.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixedService,
  healthyService,
  startLoopbackServer,
  type LoopbackServer,
} from '../../../support/loopback-server.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly dir: string;
}

/** Runs `rollgate gate …` in `dir`, with `config` written there as rollgate.config.json. */
function runGate(config: unknown, args: readonly string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-service-'));
  writeFileSync(join(dir, 'rollgate.config.json'), JSON.stringify(config));
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, 'gate', '--config', 'rollgate.config.json', ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr, dir });
      },
    );
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read evidence fields of every shape
function evidenceOf(run: CliRun): Record<string, any> {
  return JSON.parse(readFileSync(join(run.dir, 'artifacts/rollout/health-gate.json'), 'utf8'));
}

let healthy: LoopbackServer;
let broken: LoopbackServer;

beforeAll(async () => {
  healthy = await startLoopbackServer(healthyService('1.4.2'));
  broken = await startLoopbackServer(fixedService(503, { status: 'down' }));
});
afterAll(async () => {
  await Promise.all([healthy.close(), broken.close()]);
});

/** The stack's config file: stack settings, two services, a monitor on one of them, and no top-level targets. */
function stackConfig(): Record<string, unknown> {
  return {
    stackName: 'Rollgate',
    alertEmails: ['oncall@example.com'],
    services: [
      {
        service: 'checkout',
        environment: 'prod',
        targets: [{ name: 'health', url: healthy.url('/health') }],
        probe: { timeoutMs: 2_000, retries: 0, backoffMs: 0 },
        rollback: { command: 'touch rolled-back-checkout' },
      },
      {
        service: 'payments',
        environment: 'prod',
        targets: [{ url: broken.url('/health') }],
        probe: { timeoutMs: 2_000, retries: 0, backoffMs: 0 },
        rollback: { command: 'touch rolled-back-payments' },
      },
    ],
    monitors: [{ name: 'checkout-prod', service: 'checkout', environment: 'prod' }],
  };
}

describe('rollgate gate --config --service', () => {
  it("gates the registered service's targets with the version expected", async () => {
    const run = await runGate(stackConfig(), [
      '--service',
      'checkout',
      '--environment',
      'prod',
      '--expect-version',
      '1.4.2',
    ]);

    expect(run.code).toBe(0);
    const evidence = evidenceOf(run);
    expect(evidence).toMatchObject({ status: 'passed', expected_version: '1.4.2' });
    expect(evidence.targets.map((target: { url: string }) => target.url)).toEqual([healthy.url('/health')]);
    expect(evidence.settings).toMatchObject({ timeout_ms: 2_000, retries: 0 });
  });

  it("runs the service's own rollback command when its gate fails, and no other service's", async () => {
    const run = await runGate(stackConfig(), ['--service', 'payments', '--environment', 'prod']);

    expect(run.code).toBe(1);
    expect(existsSync(join(run.dir, 'rolled-back-payments'))).toBe(true);
    expect(existsSync(join(run.dir, 'rolled-back-checkout'))).toBe(false);
  });

  it('runs no rollback for a service whose rollback waits for approval', async () => {
    const config = stackConfig();
    (config.services as Array<Record<string, unknown>>)[1]!.rollback = {
      mode: 'approve',
      command: 'touch rolled-back-payments',
    };

    const run = await runGate(config, ['--service', 'payments', '--environment', 'prod']);

    expect(run.code).toBe(1);
    expect(existsSync(join(run.dir, 'rolled-back-payments'))).toBe(false);
    expect(evidenceOf(run).rollback).toMatchObject({ outcome: 'not_configured' });
  });

  it('refuses a service the file does not register, naming the flag and what it registers', async () => {
    const run = await runGate(stackConfig(), ['--service', 'billing', '--environment', 'prod']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'rollgate: --service: is not under services in rollgate.config.json (registered: checkout/prod, payments/prod) (got "billing/prod")',
    );
  });

  it('refuses --service without --environment', async () => {
    const run = await runGate(stackConfig(), ['--service', 'checkout']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--service: needs --environment beside it');
  });

  it("refuses a misspelt field anywhere in the stack's file, naming it, as synth does", async () => {
    const config = stackConfig();
    (config.monitors as Array<Record<string, unknown>>)[0]!.failureTreshold = 5;

    const run = await runGate(config, ['--service', 'checkout', '--environment', 'prod']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rollgate.config.json: monitors[0].failureTreshold: is not a known field (got 5)');
  });

  it("uses the file's top-level gate settings without --service, as before: here none, so a skipped gate", async () => {
    const run = await runGate(stackConfig(), []);

    expect(run.code).toBe(0);
    expect(evidenceOf(run)).toMatchObject({ status: 'skipped', status_reason: 'no_urls_configured' });
  });
});
