// The evidence document's schema: its zod definition agrees with the EvidenceDocument type field for field (a type
// test, checked by tsc), the published JSON Schema is what it generates, and records of real gate runs (a failed gate
// rolled back by its shell command, a configuration it could not use, a monitor going down with its state) validate
// against both, while a record with a misspelt field or a wrong type does not.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ConsoleNotifier } from '../../../../lambda/adapters/local/console-notifier.ts';
import { EnvSecretSource } from '../../../../lambda/adapters/local/env-secret-source.ts';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { ShellRollbackExecutor } from '../../../../lambda/adapters/local/shell-rollback.ts';
import { parseGateConfig } from '../../../../lambda/core/config/config-schema.ts';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import {
  EVIDENCE_JSON_SCHEMA_FILE,
  evidenceJsonSchemaText,
} from '../../../../lambda/core/evidence/evidence-json-schema.ts';
import {
  evidenceDocumentSchema,
  type EvidenceDocumentOutput,
} from '../../../../lambda/core/evidence/evidence-schema.ts';
import { runGate } from '../../../../lambda/core/gate/gate.ts';
import { BucketLayoutFsEvidenceStore } from '../../../support/bucket-layout-fs-evidence-store.ts';
import { jsonSchemaErrorsOf } from '../../../support/evidence-json-schema-validator.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../../support/loopback-server.ts';
import { CHECKOUT_DEPLOY, sampleEvidence } from './sample-evidence.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The type with every readonly modifier removed, arrays included, so the model and the schema compare as shapes. */
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;

describe('the evidence schema', () => {
  it('infers exactly the EvidenceDocument type', () => {
    expectTypeOf<Mutable<EvidenceDocumentOutput>>().toEqualTypeOf<Mutable<EvidenceDocument>>();
  });

  it('is published as schema/evidence.schema.json (run `npm run schema` after changing the evidence model)', () => {
    const published = JSON.parse(readFileSync(path.join(ROOT, EVIDENCE_JSON_SCHEMA_FILE), 'utf8'));
    expect(published).toEqual(JSON.parse(evidenceJsonSchemaText()));
    expect((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files).toContain(
      'schema/',
    );
  });

  it.each([
    ['a misspelt field', { statuss: 'failed' }],
    ['a status the model has no word for', { status: 'maybe' }],
    ['a duration as text', { duration_ms: '12' }],
    ['a start time that is no time', { started_at: 'yesterday' }],
    ['a target without its url', { targets: [{ ok: true, attempts: [], expectations: [] }] }],
  ])('refuses a record with %s', (_case, change) => {
    const record = { ...sampleEvidence({ context: CHECKOUT_DEPLOY }), ...change };
    expect(jsonSchemaErrorsOf(record)).not.toEqual([]);
    expect(evidenceDocumentSchema.safeParse(record).success).toBe(false);
  });
});

describe('records of real gate runs', () => {
  let directory: string;
  let server: LoopbackServer;
  let healthy = false;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'rollgate-evidence-schema-'));
    server = await startLoopbackServer((_request, response) =>
      healthy
        ? sendJson(response, 200, { status: 'ok', version: '1.4.1' })
        : sendJson(response, 503, { status: 'down', version: '1.4.2' }),
    );
    const state = new MemoryStateStore();
    const ports = {
      evidenceStore: new BucketLayoutFsEvidenceStore(directory),
      notifier: new ConsoleNotifier(new Writable({ write: (_chunk, _encoding, done) => done() })),
      secrets: new EnvSecretSource({}),
      state,
    };
    const config = parseGateConfig({
      targets: [{ name: 'home', url: server.url('/health'), headers: { 'X-Probe': 'rollgate' } }],
      retries: 1,
      backoffMs: 0,
      expectedVersion: '1.4.2',
    });
    const deploy = { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.4.1' };
    // A failed deploy rolled back by its command to the previous version (no known-good one yet).
    await runGate(
      config,
      {
        kind: 'deploy',
        deploy: { ...deploy, event_id: 'evt-1' },
        run_id: 'evt-1',
        ci: { provider: 'ci', run_id: '7' },
      },
      {
        ...ports,
        rollbackExecutor: new ShellRollbackExecutor({
          command: 'echo "back to $ROLLGATE_TARGET_VERSION"',
          timeoutMs: 10_000,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        }),
      },
    );
    // A monitor of the service going down at its threshold, with its state.
    await runGate(
      parseGateConfig({ targets: [{ url: server.url('/health') }], retries: 0 }),
      { kind: 'check', monitor: 'checkout-home', service: 'checkout', environment: 'prod', run_id: 'chk-1' },
      ports,
      { policy: { rollback: 'off', failureThreshold: 1 } },
    );
    healthy = true;
    // A deploy whose configuration could not be used: a header's variable that is not set.
    await runGate(
      parseGateConfig({ targets: [{ url: server.url('/health'), headers: { Authorization: 'Bearer ${NOT_SET}' } }] }),
      { kind: 'deploy', deploy: { ...deploy, version: '1.4.3', event_id: 'evt-2' }, run_id: 'evt-2' },
      ports,
    );
  });

  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const records = (): Array<{ file: string; record: unknown }> =>
    readdirSync(directory, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({ file, record: JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as unknown }));

  it('wrote the records the runs should have: two deploys (one with its rollback record) and a check', () => {
    const stages = records().map(({ record }) => {
      const document = record as EvidenceDocument;
      return `${document.kind}/${document.stage}/${document.status_reason}`;
    });
    expect(stages.sort()).toEqual([
      'check/verdict/probe_failures',
      'deploy/rollback/probe_failures',
      'deploy/verdict/invalid_config',
      'deploy/verdict/probe_failures',
    ]);
  });

  it('validates every record against the published JSON Schema and the zod schema', () => {
    for (const { file, record } of records()) {
      expect({ file, errors: jsonSchemaErrorsOf(record) }).toEqual({ file, errors: [] });
      expect({ file, ok: evidenceDocumentSchema.safeParse(record).success }).toEqual({ file, ok: true });
    }
  });
});
