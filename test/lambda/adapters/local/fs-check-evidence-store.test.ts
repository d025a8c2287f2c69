// Local monitor evidence: each record under the key the stack's bucket would give it, written once, and latest.json
// replaced by each record of the newest run.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsCheckEvidenceStore } from '../../../../lambda/adapters/local/fs-check-evidence-store.ts';
import { EvidenceWriteError } from '../../../../lambda/core/errors.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { healthyTarget, sampleEvidence } from '../../core/evidence/sample-evidence.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollgate-check-evidence-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function checkEvidence(monitor = 'web'): EvidenceDocument {
  return sampleEvidence({
    context: { kind: 'check', monitor, run_id: 'monitor-1' },
    targets: [healthyTarget('http://127.0.0.1:9/health')],
  });
}

const KEY = 'checks/web/2026/01/07/20260107T100000000Z';

describe('FsCheckEvidenceStore', () => {
  it("writes each record of a run under the bucket's key, and latest.json as the newest", async () => {
    const store = new FsCheckEvidenceStore(dir);
    const document = checkEvidence();

    const verdict = await store.write(document, 'verdict');
    const rollback = await store.write({ ...document, stage: 'rollback' }, 'rollback');

    expect(verdict).toEqual({ uri: join(dir, `${KEY}.json`), extras: [join(dir, 'checks/web/latest.json')] });
    expect(rollback.uri).toBe(join(dir, `${KEY}.rollback.json`));
    expect(JSON.parse(await readFile(verdict.uri, 'utf8'))).toEqual(document);
    expect(JSON.parse(await readFile(join(dir, 'checks/web/latest.json'), 'utf8'))).toMatchObject({
      stage: 'rollback',
    });
    // No temporary file is left behind.
    expect((await readdir(join(dir, 'checks/web/2026/01/07'))).sort()).toEqual([
      '20260107T100000000Z.json',
      '20260107T100000000Z.rollback.json',
    ]);
  });

  it('locates a record before it is written, where write puts it', async () => {
    const store = new FsCheckEvidenceStore(dir);
    const document = checkEvidence();

    expect(store.locate(document, 'delivery')).toBe(join(dir, `${KEY}.delivery.json`));
    expect((await store.write(document, 'delivery')).uri).toBe(store.locate(document, 'delivery'));
  });

  it('never replaces a record: a second write of the same key fails and the first stays', async () => {
    const store = new FsCheckEvidenceStore(dir);
    const first = checkEvidence();
    await store.write(first, 'verdict');

    const second = store.write({ ...first, message: 'another' }, 'verdict');

    await expect(second).rejects.toBeInstanceOf(EvidenceWriteError);
    await expect(second).rejects.toThrow('it already exists and is never replaced');
    expect(JSON.parse(await readFile(join(dir, `${KEY}.json`), 'utf8'))).toEqual(first);
  });

  it.each([
    ['a gate run', sampleEvidence({ context: { kind: 'gate' } })],
    ['a monitor name that cannot be a path part', checkEvidence('../escape')],
  ])('refuses %s, writing nothing', async (_name, document) => {
    const store = new FsCheckEvidenceStore(dir);

    expect(store.locate(document, 'verdict')).toBeUndefined();
    await expect(store.write(document, 'verdict')).rejects.toBeInstanceOf(EvidenceWriteError);
    expect(await readdir(dir)).toEqual([]);
  });
});
