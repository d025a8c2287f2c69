// `rollgate gate` in-process with a console notifier that fails (a closed stderr pipe in CI, say): the run's evidence
// records the undelivered alert, health-gate.json holds the delivery record, and stderr says so.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGateCommand } from '../../../../bin/cli/gate/gate-command.ts';
import { ConsoleNotifier } from '../../../../lambda/adapters/local/console-notifier.ts';
import { EVIDENCE_DELIVERY_JSON, EVIDENCE_JSON } from '../../../../lambda/adapters/local/fs-evidence-store.ts';
import { fixedService, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A stream that keeps what it is written. */
function recordingStream(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

describe('rollgate gate when an alert cannot be delivered', () => {
  it('records the alert as not delivered, keeps the delivery record in health-gate.json, and says so on stderr', async () => {
    const server: LoopbackServer = await startLoopbackServer(fixedService(503, { status: 'down' }));
    const dir = await mkdtemp(join(tmpdir(), 'rollgate-alerts-'));
    cleanups.push(
      () => server.close(),
      () => rm(dir, { recursive: true, force: true }),
    );
    const stdout = recordingStream();
    const stderr = recordingStream();
    vi.spyOn(ConsoleNotifier.prototype, 'notify').mockRejectedValue(new Error('EPIPE: broken pipe, write'));

    const code = await runGateCommand(['--url', server.url('/health'), '--retries', '0'], {
      stdout,
      stderr,
      env: {},
      cwd: dir,
    });

    expect(code).toBe(1);
    const evidence = JSON.parse(await readFile(join(dir, 'artifacts/rollout', EVIDENCE_JSON), 'utf8'));
    expect(evidence).toMatchObject({
      stage: 'delivery',
      status: 'failed',
      alerts: [{ type: 'GateFailed', delivered: false, error: 'EPIPE: broken pipe, write' }],
      faults: [{ port: 'alert', error_name: 'Error', message: 'EPIPE: broken pipe, write' }],
    });
    const delivery = JSON.parse(await readFile(join(dir, 'artifacts/rollout', EVIDENCE_DELIVERY_JSON), 'utf8'));
    expect(delivery).toEqual(evidence);
    expect(stderr.text()).toContain('rollgate: alerts not delivered: GateFailed (EPIPE: broken pipe, write)');
  });
});
