// `rollgate evidence verify --bucket --table` over the stack's versioned bucket and state table in moto, filled by the
// real handlers: a monitor's checks and a deploy through the workflow's steps are intact, checks racing each other
// still make one chain, and once one record is edited and another deleted with the S3 API, verify names both (the
// first bad one first) and the versions the bucket kept of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { motoClients } from '../../../support/aws-fixtures.ts';
import { readEvidence, resetHandlerTest } from '../../../lambda/handlers/handler-harness.ts';
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
  const directory = mkdtempSync(join(tmpdir(), 'rollgate-verify-aws-'));
  directories.push(directory);
  return directory;
}

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const listed = await motoClients().s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

describe("rollgate evidence verify over the handlers' bucket and table", () => {
  it('names a record edited and one deleted with the S3 API, and the versions the bucket kept of them', async () => {
    const seeded = await seededWorld({ behaviour: { version: '1.4.2' }, versioned: true });
    const { bucket, stateTable } = seeded.workflow.world;
    const monitor = seeded.monitors.up;
    for (let run = 0; run < 6; run += 1) await seeded.check(monitor);
    const keys = await keysUnder(bucket, `checks/${monitor}/`);
    expect(keys).toHaveLength(6);
    const verify = ['evidence', 'verify', '--monitor', monitor, '--bucket', bucket, '--table', stateTable];
    const dir = workDirectory();

    const intact = await rollgateOnMoto(dir, verify);
    expect(intact.code, intact.stdout + intact.stderr).toBe(0);
    expect(intact.stdout).toContain(`Chain checks/${monitor}: intact\n  6 records reached, from sequence 6 (the head)`);

    const second = await readEvidence(bucket, keys[1]!);
    const s3 = motoClients().s3;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: keys[1]!,
        Body: `${JSON.stringify({ ...second, message: 'nothing happened here' }, null, 2)}\n`,
      }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[4]! }));

    const broken = await rollgateOnMoto(dir, [...verify, '--json']);
    expect(broken.code, broken.stderr).toBe(1);
    const result = JSON.parse(broken.stdout);
    const uri = (key: string) => `s3://${bucket}/${key}`;
    expect(result.first_bad).toMatchObject({ kind: 'edited', sequence: 2, uri: uri(keys[1]!) });
    expect(result.problems.map(({ kind, sequence, uri: at }: Record<string, unknown>) => [kind, sequence, at])).toEqual(
      [
        ['edited', 2, uri(keys[1]!)],
        ['missing', 5, uri(keys[4]!)],
      ],
    );
    expect(result.unvouched).toEqual([{ sequence: 4, uri: uri(keys[3]!) }]);
    // The edit is a new version over the original; the deletion a marker over it: the bucket still holds both.
    expect(result.versions).toEqual([
      { uri: uri(keys[1]!), count: 2 },
      { uri: uri(keys[4]!), count: 2 },
    ]);

    const text = await rollgateOnMoto(dir, verify);
    expect(text.stdout).toContain(`  first bad record: sequence 2 ${uri(keys[1]!)}: edited\n`);
    expect(text.stdout).toContain(`  note: ${uri(keys[1]!)} has 2 stored versions; verify read the current one`);
  });

  it("finds a deploy's records through the workflow's steps intact, and checks racing each other in one chain", async () => {
    const seeded = await seededWorld({ behaviour: { version: '1.4.2' } });
    const { world, service } = seeded.workflow;
    const flow = await driveWorkflow(seeded.workflow);
    expect(flow.final?.response).toMatchObject({ status: 'passed' });
    // Two invocations of one schedule overlap (a retry, a slow run); a few ms apart, so their records' keys differ.
    const later = () => new Promise((wake) => setTimeout(wake, 5)).then(() => seeded.check(seeded.monitors.down));
    for (let pair = 0; pair < 3; pair += 1) await Promise.all([seeded.check(seeded.monitors.down), later()]);
    const dir = workDirectory();
    const where = ['--bucket', world.bucket, '--table', world.stateTable];

    const deploys = await rollgateOnMoto(dir, [
      'evidence',
      'verify',
      '--service',
      service,
      '--environment',
      'prod',
      ...where,
    ]);
    expect(deploys.code, deploys.stdout + deploys.stderr).toBe(0);
    const checks = await rollgateOnMoto(dir, [
      'evidence',
      'verify',
      '--monitor',
      seeded.monitors.down,
      ...where,
      '--json',
    ]);
    expect(checks.code, checks.stdout).toBe(0);
    expect(JSON.parse(checks.stdout)).toMatchObject({
      intact: true,
      checked: 6,
      head: { sequence: 6 },
      unlinked: { before_chain: 0, with_fault: [] },
    });
  });
});
