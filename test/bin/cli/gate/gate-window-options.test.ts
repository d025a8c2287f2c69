// `rollgate gate --window` settings as readGateOptions reads them: the flags alone for plain URLs, or a registered
// service's window from the config file with each flag overriding one setting, its rollback mode and (in approve mode)
// its command; every problem named by the flag or the file field that gave it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGateOptions } from '../../../../bin/cli/gate/gate-options.ts';
import { durationSeconds } from '../../../../bin/cli/gate/gate-window-options.ts';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';
import { captureError } from '../../../support/capture-error.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-window-options-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const URL = ['--url', 'https://checkout.example.com/health'];

function withConfig(service: Record<string, unknown>): string[] {
  const file = {
    services: [
      {
        service: 'checkout',
        environment: 'prod',
        targets: [{ url: 'https://checkout.example.com/health' }],
        ...service,
      },
    ],
  };
  writeFileSync(join(dir, 'rollgate.config.json'), JSON.stringify(file));
  return ['--config', 'rollgate.config.json', '--service', 'checkout', '--environment', 'prod'];
}

function messagesOf(action: () => unknown): string[] {
  const error = captureError(action);
  if (error instanceof ConfigErrors) return error.errors.map((each) => each.message);
  if (error instanceof ConfigError) return [error.message];
  throw error;
}

describe('rollgate gate window options', () => {
  it('reads no window without --window: the gate probes once', () => {
    expect(readGateOptions(URL, {}, dir).window).toBeUndefined();
  });

  it('reads the flags over the defaults for plain URLs, rolling back automatically', () => {
    const options = readGateOptions(
      [
        ...URL,
        '--window',
        '5m',
        '--interval',
        '10s',
        '--warmup',
        '20s',
        '--bake',
        '90',
        '--success-threshold',
        '3',
        '--failure-threshold',
        '2',
        '--verify',
        '2m',
      ],
      {},
      dir,
    );
    expect(options.window).toEqual({
      policy: {
        windowSeconds: 300,
        intervalSeconds: 10,
        warmupSeconds: 20,
        bakeSeconds: 90,
        successThreshold: 3,
        failureThreshold: 2,
        verifySeconds: 120,
      },
      rollbackMode: 'auto',
    });
  });

  it("reads a registered service's window, each flag overriding one setting, and its approve mode with its command", () => {
    const args = withConfig({
      window: { windowSeconds: 600, warmupSeconds: 30 },
      rollback: { mode: 'approve', command: './rollback.sh', approvalTimeoutMinutes: 15 },
    });
    const options = readGateOptions([...args, '--window', '4m'], {}, dir);
    expect(options.window).toMatchObject({
      policy: { windowSeconds: 240, warmupSeconds: 30, bakeSeconds: 60 },
      rollbackMode: 'approve',
      approvalTimeoutMinutes: 15,
    });
    expect(options.config.rollback?.command).toBe('./rollback.sh');
    // Without --window an approve-mode service still runs nothing: the one-shot gate cannot wait for a person.
    expect(readGateOptions(args, {}, dir).config.rollback?.command).toBeUndefined();
  });

  it.each([
    [
      [...URL, '--window', '5m', '--bake', '5m'],
      [
        '--bake: must leave a round before windowSeconds (300) ends: the first round that may pass starts at 300 s, so the window could never pass (got 300)',
        '--bake: must leave a round before verifySeconds (120) ends: the first round that may pass starts at 300 s, so the window could never pass (got 300)',
      ],
    ],
    [
      [...URL, '--window', '5m', '--success-threshold', 'two'],
      ['--success-threshold: must be a whole number (got "two")'],
    ],
    [[...URL, '--window', '2h'], ['--window: must be at most 3600 (got 7200)']],
    [[...URL, '--verify', '2m'], ['--verify: needs --window: without it the gate probes once (got "2m")']],
  ])('refuses %j naming the flag', (args, messages) => {
    expect(messagesOf(() => readGateOptions(args, {}, dir))).toEqual(messages);
  });

  it("names the file's field when the registered window and a flag do not fit together", () => {
    const args = withConfig({ window: { warmupSeconds: 100 } });
    expect(messagesOf(() => readGateOptions([...args, '--window', '90s'], {}, dir))).toContain(
      'rollgate.config.json: services[0].window.warmupSeconds: must be shorter than windowSeconds (90) (got 100)',
    );
  });

  it.each([
    ['300', 300],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3_600],
  ])('reads the duration %s as %i s', (text, seconds) => {
    expect(durationSeconds('--window', text)).toBe(seconds);
  });
});
