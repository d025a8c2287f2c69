// The deploy flow as the CLI runs it in-process (runLocalDeploy, runDeployLocally), on a manual clock against a
// loopback service: one progress line per round in a log, one rewritten line on a terminal, the summary after, and
// `rollgate deploy --local`'s deploy of a service the config file registers.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLocalDeploy, type LocalDeployTiming } from '../../../../bin/cli/deploy/local-deploy.ts';
import { runDeployLocally } from '../../../../bin/cli/deploy/run-deploy-locally.ts';
import { parseGateConfig } from '../../../../lambda/core/config/config-schema.ts';
import { parseWindowPolicy } from '../../../../lambda/core/window/window-policy.ts';
import { healthyService, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { capturedIo } from '../../captured-io.ts';

let dir: string;
let server: LoopbackServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-local-deploy-'));
  server = await startLoopbackServer(healthyService('1.4.2'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A clock that moves when the flow sleeps. */
function manualTiming(): LocalDeployTiming {
  const clock = new ManualClock(new Date());
  return {
    clock,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  };
}

function setup(json = false) {
  return {
    start: { kind: 'gate' as const, expected_version: '1.4.2' },
    registration: { window: parseWindowPolicy({}), rollback: { mode: 'auto' as const } },
    gate: parseGateConfig({ targets: [{ url: server.url('/health'), name: 'api' }], retries: 0 }),
    evidenceDir: 'out',
    json,
    failOnSkipped: false,
  };
}

describe('runLocalDeploy', () => {
  it('prints a line per round in a log, then the summary, and exits 0 for a pass', async () => {
    const io = capturedIo(dir);
    const code = await runLocalDeploy(setup(), io, manualTiming());

    expect(code).toBe(0);
    const lines = io.stdoutText().split('\n');
    expect(lines.filter((line) => line.startsWith('window round'))).toHaveLength(7);
    expect(lines[0]).toBe('window round 1 at 0s: healthy (1/1)');
    expect(lines).toContain('verdict: passed (all_probes_healthy, success_threshold)');
    expect(io.stdoutText()).toContain(
      '  window: 7 round(s), 7 healthy, 0 failing, expecting 1.4.2 (decided by success_threshold)',
    );
    expect(JSON.parse(readFileSync(join(dir, 'out', 'health-gate.json'), 'utf8'))).toMatchObject({
      decided_by: 'success_threshold',
    });
  });

  it('rewrites one line per round on a terminal, ending it before the next line', async () => {
    const io = capturedIo(dir);
    Object.assign(io.stdout, { isTTY: true });
    await runLocalDeploy(setup(), io, manualTiming());

    const text = io.stdoutText();
    expect(text.startsWith('\r\x1b[Kwindow round 1 at 0s: healthy (1/1)\r\x1b[Kwindow round 2 at 10s')).toBe(true);
    expect(text).toContain('\r\x1b[Kwindow round 7 at 60s: healthy (1/1)\nverdict: passed');
  });

  it('prints only the evidence with --json', async () => {
    const io = capturedIo(dir);
    await runLocalDeploy(setup(true), io, manualTiming());
    expect(JSON.parse(io.stdoutText())).toMatchObject({ status: 'passed', window: { rounds_done: 7 } });
  });
});

describe('runDeployLocally', () => {
  function writeConfig(): void {
    const config = {
      services: [
        {
          service: 'checkout',
          environment: 'prod',
          targets: [{ url: server.url('/health'), allowPrivate: true }],
          window: { bakeSeconds: 20 },
        },
      ],
    };
    writeFileSync(join(dir, 'rollgate.config.json'), JSON.stringify(config));
  }

  it("judges a registered service's deploy with its window, recording the deploy and its version", async () => {
    writeConfig();
    const io = capturedIo(dir);
    const request = {
      configPath: 'rollgate.config.json',
      service: 'checkout',
      environment: 'prod',
      version: '1.4.2',
      previousVersion: '1.4.1',
      stateDir: 'state',
      evidenceDir: 'out',
      json: false,
      label: 'checkout',
    };
    const code = await runDeployLocally(request, io, manualTiming());

    expect(code).toBe(0);
    expect(io.stdoutText()).toContain('checkout: window round 3 at 20s: healthy (1/1)\n');
    expect(JSON.parse(readFileSync(join(dir, 'out', 'health-gate.json'), 'utf8'))).toMatchObject({
      kind: 'deploy',
      decided_by: 'success_threshold',
      context: { deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.4.1' } },
      state: { service: { deployed: '1.4.2', known_good: '1.4.2' } },
    });
  });

  it('exits 2 naming the service the config file does not register', async () => {
    writeConfig();
    const io = capturedIo(dir);
    const code = await runDeployLocally(
      {
        configPath: 'rollgate.config.json',
        service: 'payments',
        environment: 'prod',
        version: '1',
        evidenceDir: 'out',
        json: false,
      },
      io,
      manualTiming(),
    );
    expect(code).toBe(2);
    expect(io.stderrText()).toContain('--service: is not a service this stack knows');
  });
});
