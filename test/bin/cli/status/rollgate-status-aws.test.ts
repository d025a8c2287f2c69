// `rollgate status --table` over the stack's state table in moto, filled by the real handlers: the scheduled check
// taking one monitor down and keeping another up, the deploy workflow's steps leaving a failed deploy whose rollback
// waits for approval, and `rollgate pause --table`. One row each, worst first; exit 1 while anything is down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resetHandlerTest } from '../../../lambda/handlers/handler-harness.ts';
import { driveWorkflow } from '../../../lambda/handlers/workflow/workflow-task-world.ts';
import { rollgateOnMoto, seededWorld } from '../../handler-seeded-world.ts';

const directories: string[] = [];

afterEach(async () => {
  await resetHandlerTest();
});
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-status-aws-'));
  directories.push(directory);
  return directory;
}

describe("rollgate status --table over the handlers' state", () => {
  it('shows the monitor gone down, the deploy waiting for approval, the pause and the healthy monitor, worst first', async () => {
    const seeded = await seededWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    const { world, service } = seeded.workflow;
    for (let run = 0; run < 3; run += 1) await seeded.check(seeded.monitors.down);
    for (let run = 0; run < 2; run += 1) await seeded.check(seeded.monitors.up);
    await driveWorkflow(seeded.workflow, { stopAfter: 'request_approval' });
    const dir = workDirectory();
    const pause = ['pause', '--service', 'ledger', '--environment', 'prod', '--for', '1h', '--reason', 'migration'];
    expect((await rollgateOnMoto(dir, [...pause, '--table', world.stateTable])).code).toBe(0);

    const json = await rollgateOnMoto(dir, ['status', '--table', world.stateTable, '--json']);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout);
    const rows = new Map(report.rows.map((row: { name: string }) => [row.name, row]));
    expect(rows.get(seeded.monitors.down)).toMatchObject({
      kind: 'monitor',
      state: 'down',
      last_verdict: { status: 'failed', evidence: expect.stringMatching(/^s3:\/\//) },
      last_alert_at: expect.any(String),
    });
    expect(rows.get(`${service}/prod`)).toMatchObject({
      kind: 'service',
      state: 'down',
      deployed: '1.4.2',
      under_way: { kind: 'approval', target_version: '1.4.1' },
      approval: { failedVersion: '1.4.2' },
    });
    expect(rows.get(`${service}/prod`)).not.toHaveProperty('approval.taskToken');
    expect(rows.get('ledger/prod')).toMatchObject({ state: 'paused', pause: { reason: 'migration' } });
    expect(rows.get(seeded.monitors.up)).toMatchObject({ state: 'up' });
    const states = report.rows.map((row: { state: string }) => row.state);
    expect(states.indexOf('down')).toBe(0);
    expect(states.lastIndexOf('down')).toBeLessThan(states.indexOf('paused'));
    expect(states.indexOf('paused')).toBeLessThan(states.indexOf('up'));

    const table = await rollgateOnMoto(dir, ['status', '--table', world.stateTable]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      new RegExp(
        `^down\\s+service\\s+${service}/prod\\s.*rollback to 1\\.4\\.1 awaits approval until \\d\\d:\\d\\dZ`,
        'm',
      ),
    );
    expect(table.stdout).toContain(`(table ${world.stateTable})`);
  });

  it('shows a deploy under way while the workflow watches it, and exits 0 with nothing down', async () => {
    const seeded = await seededWorld({ behaviour: { version: '1.4.2' } });
    await driveWorkflow(seeded.workflow, { stopAfter: 'start' });
    const { world, service } = seeded.workflow;

    const json = await rollgateOnMoto(workDirectory(), ['status', '--table', world.stateTable, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const row = JSON.parse(json.stdout).rows.find((one: { name: string }) => one.name === `${service}/prod`);
    expect(row).toMatchObject({
      state: 'unknown',
      under_way: { kind: 'deploy', version: '1.4.2', execution: seeded.workflow.input.run_id },
    });
  });

  it('exits 1 with one line naming the table when it does not exist', async () => {
    const run = await rollgateOnMoto(workDirectory(), ['status', '--table', 'no-such-rollgate-table']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^rollgate status: .*no-such-rollgate-table.*ResourceNotFoundException/m);
  });
});
