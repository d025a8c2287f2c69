// `rollgate approve` and `rollgate reject` in-process against a state directory and the stack's table (moto): the
// answer written into the approval item once, the first answer standing, an expired or missing request refused, the
// task token never printed, and flags that cannot be used refused naming the flag.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApproveCommand, type ApproveHooks } from '../../../../bin/cli/approve/approve-command.ts';
import { DynamoDbStateStore } from '../../../../lambda/adapters/aws/dynamodb-state-store.ts';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import type { Approval } from '../../../../lambda/core/state/approval.ts';
import { approvalKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState, type StateStore } from '../../../../lambda/core/state/state-store.ts';
import { awsClientConfig } from '../../../support/aws-fixtures.ts';
import { createStateTable } from '../../../support/state-table-fixture.ts';
import { capturedIo } from '../../captured-io.ts';

const SCOPE = ['--service', 'checkout', '--environment', 'prod'];
const KEY = approvalKey('checkout', 'prod');
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAbSecretTaskToken==';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-approve-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function waiting(overrides: Partial<Approval> = {}): Approval {
  const now = Date.now();
  return {
    runId: 'evt-123',
    requestedAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 1_800_000).toISOString(),
    targetVersion: '1.4.1',
    failedVersion: '1.4.2',
    taskToken: TOKEN,
    ...overrides,
  };
}

async function seed(store: StateStore, approval: Approval): Promise<void> {
  await store.write([putState(KEY, approval, undefined, { expiresAt: new Date(approval.expiresAt) })]);
}

async function stored(store: StateStore): Promise<Approval | undefined> {
  return (await store.read([KEY])).get(KEY)?.value;
}

async function rollgate(action: 'approve' | 'reject', args: readonly string[], hooks?: ApproveHooks) {
  const io = capturedIo(dir);
  const code = await runApproveCommand(action, [...SCOPE, ...args], io, hooks);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('rollgate approve and reject in a state directory', () => {
  const store = () => new FsStateStore({ directory: join(dir, '.rollgate/state') });

  it('writes the answer into the item, once, and says what follows', async () => {
    await seed(store(), waiting());

    const run = await rollgate('approve', ['--run', 'evt-123', '--by', 'alice', '--reason', 'canary down']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Approved the rollback of checkout/prod to 1.4.1 (run evt-123). The deploy sends it at its next look at the approval.\n',
    );
    expect(await stored(store())).toMatchObject({
      decision: 'approved',
      by: 'alice',
      reason: 'canary down',
      decidedAt: expect.any(String),
    });
    const again = await rollgate('approve', []);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already, at');
  });

  it('keeps the first answer: a reject after an approve exits 1 and changes nothing', async () => {
    await seed(store(), waiting({ decision: 'approved', decidedAt: new Date().toISOString(), by: 'alice' }));

    const run = await rollgate('reject', []);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/was already approved at .* by alice; the first answer stands/);
    expect((await stored(store()))?.decision).toBe('approved');
  });

  it.each([
    ['nothing was asked', undefined],
    [
      'the request expired',
      waiting({
        requestedAt: new Date(Date.now() - 7_200_000).toISOString(),
        expiresAt: new Date(Date.now() - 1_000).toISOString(),
      }),
    ],
  ])('exits 1 when %s', async (_name, approval) => {
    if (approval !== undefined) await seed(store(), approval);
    const run = await rollgate('approve', []);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no rollback of checkout/prod is waiting for approval');
  });

  it('prints the answered item as JSON without its task token', async () => {
    await seed(store(), waiting());

    const run = await rollgate('reject', ['--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      service: 'checkout',
      outcome: 'answered',
      approval: { decision: 'rejected' },
    });
    expect(run.stdout).not.toContain(TOKEN);
  });

  it.each([
    [['--environment', 'prod'], '--service: is required', false],
    [['--run', 'evt 1'], '--run: must be a run id as the alert gives it', true],
    [['--by', 'eve\u001b[2J'], '--by: must be one line of text', true],
    [['--table', 'tbl', '--state-dir', 'd'], '--table: and --state-dir name two stores; give one', true],
    [['--for', '1h'], '--for: is not a rollgate approve option', true],
  ])('refuses %j with exit 2', async (args, message, withScope) => {
    const io = capturedIo(dir);
    const code = await runApproveCommand('approve', withScope ? [...SCOPE, ...args] : args, io);
    expect(code).toBe(2);
    expect(io.stderrText()).toContain(message);
  });
});

describe("rollgate approve in the stack's table (moto)", () => {
  it('answers the item in DynamoDB and hands the approval, with its task token, to the workflow hook', async () => {
    const table = await createStateTable();
    const store = new DynamoDbStateStore({ client: new DynamoDBClient(awsClientConfig()), tableName: table });
    await seed(store, waiting());
    const handed: Approval[] = [];

    const run = await rollgate('approve', ['--table', table], {
      afterAnswer: async (approval) => {
        handed.push(approval);
      },
    });

    expect(run.code).toBe(0);
    expect((await stored(store))?.decision).toBe('approved');
    expect(handed).toEqual([expect.objectContaining({ decision: 'approved', taskToken: TOKEN })]);
  });
});
