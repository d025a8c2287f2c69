// A rollback in approve mode, end to end in-process: the deploy flow asks for the approval (RollbackAwaitingApproval
// with the exact command), waits reading the approval item, and the real `rollgate approve` / `rollgate reject` code
// answers it in the flow's state directory; unanswered, it times out and asks for a rollback by hand.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApproveCommand } from '../../../../bin/cli/approve/approve-command.ts';
import type { DeployNext, StepAnswer } from '../../../../lambda/core/deploy/deploy-progress.ts';
import { serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import {
  HEALING_COMMAND,
  healsOnRollback,
  useFlowRigs,
  type FlowRig,
} from '../../../lambda/core/deploy/deploy-harness.ts';
import { capturedIo } from '../../captured-io.ts';

const rig = useFlowRigs();
const APPROVE = 'rollgate approve --service checkout --environment prod --run evt-123';

async function knownGood(flow: FlowRig): Promise<void> {
  const at = new Date(flow.started.getTime() - 3_600_000).toISOString();
  await flow.state.write([
    putState(serviceStateKey('checkout', 'prod'), { knownGood: [{ version: '1.4.1', at }] }, undefined),
  ]);
}

/** Runs `rollgate <action>` in-process against the flow's state directory; answers its exit code and output. */
async function answer(flow: FlowRig, action: 'approve' | 'reject', extra: readonly string[] = []) {
  const io = capturedIo(flow.dir);
  const args = ['--service', 'checkout', '--environment', 'prod', '--state-dir', join(flow.dir, 'state'), ...extra];
  const code = await runApproveCommand(action, args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** Answers once, the first time the flow waits for the approval. */
function answerWhenAsked(act: () => Promise<unknown>) {
  let asked = false;
  return async (_step: DeployNext, step: StepAnswer): Promise<void> => {
    if (step.next !== 'await_approval' || asked) return;
    asked = true;
    await act();
  };
}

function alertTypes(flow: FlowRig): string[] {
  return flow.notifier.sent.map((alert) => `${alert.type}:${alert.message.severity}`);
}

describe('a rollback awaiting approval', () => {
  it('alerts RollbackAwaitingApproval with the exact command, and rolls back once rollgate approve answers', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const answered: Array<{ code: number; stdout: string }> = [];
    const { response } = await flow.run({
      mode: 'approve',
      onStep: answerWhenAsked(async () =>
        answered.push(await answer(flow, 'approve', ['--run', 'evt-123', '--by', 'alice'])),
      ),
    });

    expect(answered[0]).toMatchObject({ code: 0 });
    expect(answered[0]?.stdout).toContain('Approved the rollback of checkout/prod to 1.4.1 (run evt-123)');
    expect(response).toMatchObject({ status: 'failed', rollback_outcome: 'recovered' });
    expect(alertTypes(flow)).toEqual([
      'GateFailed:high',
      'RollbackAwaitingApproval:critical',
      'RollbackSucceeded:warning',
    ]);
    const waiting = flow.notifier.sent[1]!;
    expect(waiting.message.approval).toMatchObject({
      approve_command: APPROVE,
      reject_command: 'rollgate reject --service checkout --environment prod --run evt-123',
    });
    expect(waiting.message.detail).toContain(`approve within 30 minutes with: ${APPROVE}`);
    expect(flow.evidence.written[0]!.document.rollback).toMatchObject({
      outcome: 'awaiting_approval',
      target_version: '1.4.1',
      approval: { approve_command: APPROVE, decision: null },
    });
    expect(flow.evidence.written[1]!.document.rollback).toMatchObject({
      outcome: 'recovered',
      approval: { decision: 'approved', by: 'alice' },
    });
  });

  it('sends no rollback when rollgate reject answers, and alerts nothing more', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const { response } = await flow.run({
      mode: 'approve',
      onStep: answerWhenAsked(() => answer(flow, 'reject')),
    });

    expect(response.rollback_outcome).toBe('rejected');
    expect(existsSync(join(flow.dir, 'healed'))).toBe(false);
    expect(flow.steps).not.toContain('send_rollback');
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackAwaitingApproval:critical']);
    expect(flow.evidence.written.at(-1)!.document.rollback).toMatchObject({
      outcome: 'rejected',
      reason: 'approval_rejected',
      approval: { decision: 'rejected' },
    });
  });

  it('alerts RollbackRequired when nobody answers within the approval timeout', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const { response } = await flow.run({ mode: 'approve', approvalTimeoutMinutes: 1 });

    expect(response.rollback_outcome).toBe('timed_out');
    expect(existsSync(join(flow.dir, 'healed'))).toBe(false);
    expect(alertTypes(flow)).toEqual([
      'GateFailed:high',
      'RollbackAwaitingApproval:critical',
      'RollbackRequired:critical',
    ]);
    expect(flow.notifier.sent[2]?.message).toMatchObject({ reason: 'approval_timed_out' });
    expect(flow.evidence.written.at(-1)!.document.rollback).toMatchObject({
      outcome: 'timed_out',
      reason: 'approval_timed_out',
      approval: { decision: 'timed_out' },
    });
  });

  it("refuses another run's approval and keeps waiting for its own", async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const answers: Array<{ code: number; stderr: string }> = [];
    const { response } = await flow.run({
      mode: 'approve',
      onStep: answerWhenAsked(async () => {
        answers.push(await answer(flow, 'approve', ['--run', 'evt-999']));
        answers.push(await answer(flow, 'approve'));
      }),
    });

    expect(answers[0]?.code).toBe(1);
    expect(answers[0]?.stderr).toContain("waiting for approval is run evt-123's, not evt-999's");
    expect(answers[1]?.code).toBe(0);
    expect(response.rollback_outcome).toBe('recovered');
  });

  it('asks for a rollback by hand in approve mode when there is no state directory to wait in', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND, stateless: true });
    const { response } = await flow.run({ mode: 'approve' });

    expect(response.rollback_outcome).toBe('suppressed');
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackRequired:critical']);
    expect(flow.notifier.sent[1]?.message).toMatchObject({ reason: 'approval_required' });
  });
});
