// Local alerts: one line each, as the CLI gate's CI contract has them, or with the severity for rollgate monitor.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleNotifier } from '../../../../lambda/adapters/local/console-notifier.ts';
import { makeAlert } from '../../../../lambda/core/plan/alerts.ts';
import { sampleEvidence } from '../../core/evidence/sample-evidence.ts';

async function lineOf(notifier: (stream: PassThrough) => ConsoleNotifier): Promise<string> {
  const stream = new PassThrough();
  const document = sampleEvidence({ context: { kind: 'check', monitor: 'web' } });
  await notifier(stream).notify(makeAlert('MonitorDown', document, null, 'DOWN check web'));
  return stream.read().toString('utf8');
}

describe('ConsoleNotifier', () => {
  it("writes `ALERT <type>: <subject>`, the gate's line", async () => {
    expect(await lineOf((stream) => new ConsoleNotifier(stream))).toBe(
      'ALERT MonitorDown: [Rollgate] DOWN check web\n',
    );
  });

  it('names the severity when asked', async () => {
    expect(await lineOf((stream) => new ConsoleNotifier(stream, { severity: true }))).toBe(
      'ALERT MonitorDown (critical): [Rollgate] DOWN check web\n',
    );
  });
});
