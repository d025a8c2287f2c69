import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EVIDENCE_DELIVERY_JSON,
  EVIDENCE_ENV,
  EVIDENCE_JSON,
  FsEvidenceStore,
} from '../../../../lambda/adapters/local/fs-evidence-store.ts';
import { renderEnvFile } from '../../../../lambda/core/evidence/env-file.ts';
import { EvidenceWriteError } from '../../../../lambda/core/errors.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';
import { healthyTarget, sampleEvidence, unhealthyTarget } from '../../core/evidence/sample-evidence.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollgate-fs-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A document of roughly `targets` × 1 KiB, so a non-atomic write would be visible half-done. */
function bigDocument(targets: number, marker: string): EvidenceDocument {
  const list: TargetResult[] = Array.from({ length: targets }, (_, index) => ({
    ...healthyTarget(`http://a.example/${marker}/${index}`),
    name: marker.repeat(1000 / marker.length),
  }));
  return sampleEvidence({ targets: list, message: marker });
}

describe('FsEvidenceStore', () => {
  it.each([
    { name: 'an existing directory', sub: [] },
    { name: 'a directory it has to create', sub: ['run', 'nested', 'evidence'] },
  ])('writes the JSON and env files into $name and nothing else', async ({ sub }) => {
    const directory = join(dir, ...sub);
    const store = new FsEvidenceStore(directory);
    const document = sampleEvidence({ targets: [unhealthyTarget('http://a.example/health')] });

    const located = store.locate(document, 'verdict');
    const location = await store.write(document, 'verdict');

    const jsonPath = join(directory, EVIDENCE_JSON);
    expect(located).toBe(location.uri);
    const envPath = join(directory, EVIDENCE_ENV);
    expect(location).toEqual({ uri: jsonPath, extras: [envPath] });
    expect(JSON.parse(await readFile(jsonPath, 'utf8'))).toEqual(document);
    expect(await readFile(envPath, 'utf8')).toBe(renderEnvFile(document, jsonPath));
    expect((await readdir(directory)).sort()).toEqual([EVIDENCE_ENV, EVIDENCE_JSON]);
  });

  it('replaces the verdict record with the rollback record, leaving no temporary files', async () => {
    const store = new FsEvidenceStore(dir);
    const verdict = sampleEvidence({ targets: [unhealthyTarget('http://a.example/health')] });
    const rollback: EvidenceDocument = { ...verdict, stage: 'rollback', links: { verdict: store.jsonPath } };

    await store.write(verdict, 'verdict');
    await store.write(rollback, 'rollback');

    expect(JSON.parse(await readFile(store.jsonPath, 'utf8'))).toEqual(rollback);
    expect((await readdir(dir)).sort()).toEqual([EVIDENCE_ENV, EVIDENCE_JSON]);
  });

  it('keeps the delivery record in health-gate.json, the most complete record, and in a file of its own', async () => {
    const store = new FsEvidenceStore(dir);
    const verdict = sampleEvidence({ targets: [unhealthyTarget('http://a.example/health')] });
    const rollback: EvidenceDocument = { ...verdict, stage: 'rollback', links: { verdict: store.jsonPath } };
    const delivery: EvidenceDocument = {
      ...rollback,
      stage: 'delivery',
      alerts: [{ type: 'GateFailed', subject: '[Rollgate] FAILED gate', delivered: false, error: 'NotFound' }],
    };

    await store.write(verdict, 'verdict');
    await store.write(rollback, 'rollback');
    const location = await store.write(delivery, 'delivery');

    expect(location).toEqual({ uri: store.deliveryPath, extras: [store.jsonPath, store.envPath] });
    expect(JSON.parse(await readFile(store.jsonPath, 'utf8'))).toEqual(delivery);
    expect(JSON.parse(await readFile(store.deliveryPath, 'utf8'))).toEqual(delivery);
    expect(await readFile(store.envPath, 'utf8')).toBe(renderEnvFile(delivery, store.jsonPath));
    expect((await readdir(dir)).sort()).toEqual([EVIDENCE_DELIVERY_JSON, EVIDENCE_ENV, EVIDENCE_JSON]);
  });

  it('never lets a reader see a half-written file', async () => {
    const store = new FsEvidenceStore(dir);
    await store.write(bigDocument(1000, 'a'), 'verdict');
    let writing = true;
    const reads: string[] = [];
    const reader = (async () => {
      while (writing && reads.length < 10_000) reads.push(await readFile(store.jsonPath, 'utf8'));
    })();
    for (let round = 0; round < 6; round += 1)
      await store.write(bigDocument(1000, round % 2 === 0 ? 'b' : 'c'), 'rollback');
    writing = false;
    await reader;

    expect(reads.length).toBeGreaterThan(0);
    for (const text of reads) expect(['a', 'b', 'c']).toContain((JSON.parse(text) as EvidenceDocument).message);
  });

  it('keeps concurrent writes apart, leaving the last document whole in both files', async () => {
    const store = new FsEvidenceStore(dir);
    const documents = ['b', 'c', 'd', 'e'].map((marker) => bigDocument(500, marker));
    const locations = await Promise.all(documents.map((document) => store.write(document, 'verdict')));
    expect(locations.map((location) => location.uri)).toEqual(documents.map(() => store.jsonPath));
    expect(JSON.parse(await readFile(store.jsonPath, 'utf8'))).toEqual(documents.at(-1));
    expect(await readFile(store.envPath, 'utf8')).toBe(renderEnvFile(documents.at(-1)!, store.jsonPath));
    expect((await readdir(dir)).sort()).toEqual([EVIDENCE_ENV, EVIDENCE_JSON]);
  });

  it('still writes after a failed write', async () => {
    const blocked = join(dir, EVIDENCE_JSON);
    const store = new FsEvidenceStore(dir);
    await mkdir(blocked);
    await expect(store.write(sampleEvidence(), 'verdict')).rejects.toBeInstanceOf(EvidenceWriteError);
    await rm(blocked, { recursive: true });
    await expect(store.write(sampleEvidence(), 'verdict')).resolves.toEqual({
      uri: store.jsonPath,
      extras: [store.envPath],
    });
  });

  it('throws EvidenceWriteError naming the directory when it cannot be created', async () => {
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, 'a file where the directory should be');
    const directory = join(blocker, 'evidence');
    const store = new FsEvidenceStore(directory);

    const error = await store
      .write(sampleEvidence({ targets: [healthyTarget('http://a.example/')] }), 'verdict')
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((error as EvidenceWriteError).message).toContain(directory);
    expect((error as EvidenceWriteError).errorName).toBe('Error');
    expect(((error as EvidenceWriteError).cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });

  it('throws EvidenceWriteError and leaves no temporary file when the evidence path is a directory', async () => {
    const store = new FsEvidenceStore(dir);
    await mkdir(store.jsonPath);

    const error = await store.write(sampleEvidence(), 'verdict').catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((await readdir(dir)).sort()).toEqual([EVIDENCE_JSON]);
  });
});
