// The deploy gate remembering on moto's DynamoDB: a passed deploy records its version as known-good, naming the
// evidence that proved it, and a failed deploy rolls back to that version whatever the event's previousVersion says.
import { afterEach, describe, expect, it } from 'vitest';
import { runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import {
  createHandlerWorld,
  deployEvent,
  lambdaContext,
  loadHandler,
  loopbackService,
  readEvidence,
  recordAwsCalls,
  registerServices,
  resetHandlerTest,
  serve,
} from './handler-harness.ts';
import { readServiceState, recordedRun, switchableService } from './state-table-world.ts';

const HANDLER = '../../../lambda/handlers/deploy-event.ts';
const DIGEST = `sha256:${'a'.repeat(64)}`;

afterEach(resetHandlerTest);

describe('deploy gate with its state table', () => {
  it('records a passed deploy as deployed and known-good, and rolls a later failed one back to it', async () => {
    const world = await createHandlerWorld();
    const behaviour = { mode: 'up' as 'up' | 'down', version: '1.4.1' };
    const server = await serve(switchableService(behaviour));
    const service = uniqueName('svc');
    registerServices(world, loopbackService(service, server.url('/health')));
    const hosts = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const handler = await loadHandler(HANDLER, world.env);
    const calls = recordAwsCalls();

    const passed = await handler(
      deployEvent(service, { version: '1.4.1', previousVersion: '1.4.0', digest: DIGEST, commit: 'abc1234' }),
      lambdaContext(),
    );

    expect(passed.status).toBe('passed');
    const proof = `s3://${world.bucket}/${passed.evidence!.key}`;
    expect(await readServiceState(world, service)).toMatchObject({
      deployed: { version: '1.4.1', digest: DIGEST, commit: 'abc1234', evidence: proof },
      knownGood: [{ version: '1.4.1', digest: DIGEST, commit: 'abc1234', evidence: proof }],
    });
    // The evidence it names is the verdict record of that deploy.
    expect(await readEvidence(world.bucket, passed.evidence!.key)).toMatchObject({
      status: 'passed',
      state: { service: { deployed: '1.4.1', known_good: '1.4.1' } },
    });

    // 1.4.2 goes out and fails; its event claims 1.4.0 came before it, but 1.4.1 is what proved good.
    behaviour.mode = 'down';
    behaviour.version = '1.4.2';
    const failed = await recordedRun(calls, () =>
      handler(deployEvent(service, { version: '1.4.2', previousVersion: '1.4.0' }), lambdaContext()),
    );

    expect(failed.response).toMatchObject({ status: 'failed', rollback: { attempted: true, outcome: 'succeeded' } });
    expect(failed.alerts).toEqual(['GateFailed', 'RollbackSucceeded']);
    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]).toMatchObject({
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['1.4.2'], TargetVersion: ['1.4.1'] },
    });
    expect(calls.sentCommands[0]?.InstanceIds?.sort()).toEqual([...hosts].sort());
    const record = await readEvidence(world.bucket, failed.response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({ target_version: '1.4.1', target_source: 'known_good' });
    expect(record.notes).toEqual([expect.stringContaining("the event's previousVersion 1.4.0 is not the newest")]);
    // 1.4.1 runs again; 1.4.2 was never known-good.
    expect(await readServiceState(world, service)).toMatchObject({
      deployed: { version: '1.4.1' },
      knownGood: [{ version: '1.4.1' }],
      lastRollbackAt: expect.any(String),
    });
  });

  it("rolls a service's first failed deploy back to its previousVersion, saying it was not verified", async () => {
    const world = await createHandlerWorld();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const service = uniqueName('svc');
    registerServices(world, loopbackService(service, server.url('/health')));
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const handler = await loadHandler(HANDLER, world.env);
    const calls = recordAwsCalls();

    const response = await handler(
      deployEvent(service, { version: '1.4.2', previousVersion: '1.4.1' }),
      lambdaContext(),
    );

    expect(calls.sentCommands[0]?.Parameters?.TargetVersion).toEqual(['1.4.1']);
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({ target_version: '1.4.1', target_source: 'previous_version_unverified' });
    expect(record.notes).toEqual([expect.stringContaining('no known-good version is recorded yet')]);
  });

  it('asks for an approved rollback, sending nothing, for a service in rollback mode approve', async () => {
    const world = await createHandlerWorld();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const service = uniqueName('svc');
    registerServices(world, loopbackService(service, server.url('/health'), { rollback: { mode: 'approve' } }));
    const handler = await loadHandler(HANDLER, world.env);
    const calls = recordAwsCalls();

    const run = await recordedRun(calls, () => handler(deployEvent(service, { version: '1.4.2' }), lambdaContext()));

    expect(calls.sentCommands).toEqual([]);
    expect(run.alerts).toEqual(['GateFailed', 'RollbackRequired']);
    expect(await readEvidence(world.bucket, run.response.evidence!.key)).toMatchObject({
      rollback: { outcome: 'withheld', reason: 'approval_required' },
    });
  });
});
