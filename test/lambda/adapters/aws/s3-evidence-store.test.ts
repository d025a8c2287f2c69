// The S3 evidence store against moto_server through the real SDK: keys, content type, body, write-once, get and list.
// aws-sdk-client-mock only for what moto cannot do: refuse a PutObject with AccessDenied, and paginate a short list.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { S3EvidenceStore } from '../../../../lambda/adapters/aws/s3-evidence-store.ts';
import { ConfigError, EvidenceReadError, EvidenceWriteError } from '../../../../lambda/core/errors.ts';
import type { EvidenceContext, EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { awsClientConfig, createBucket, motoClients, uniqueName } from '../../../support/aws-fixtures.ts';
import { healthyTarget, sampleEvidence } from '../../core/evidence/sample-evidence.ts';

function deployEvidence(service = uniqueName('svc'), eventId = uniqueName('evt')): EvidenceDocument {
  const context: EvidenceContext = {
    kind: 'deploy',
    deploy: { service, environment: 'prod', version: '1.4.2', event_id: eventId },
    run_id: eventId,
  };
  return sampleEvidence({ context, targets: [healthyTarget('https://checkout.example.com/health')] });
}

async function storeWithBucket(): Promise<{ store: S3EvidenceStore; bucket: string }> {
  const bucket = await createBucket();
  return { store: new S3EvidenceStore({ client: new S3Client(awsClientConfig()), bucket }), bucket };
}

async function captureError(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

describe('S3EvidenceStore against moto', () => {
  it('writes the verdict record as JSON under its deploy key and returns its s3:// URI', async () => {
    const { store, bucket } = await storeWithBucket();
    const document = deployEvidence('checkout', 'evt-42');

    const location = await store.write(document, 'verdict');

    const key = 'deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-42.json';
    expect(location).toEqual({ uri: `s3://${bucket}/${key}` });
    const object = await motoClients().s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(object.ContentType).toBe('application/json');
    expect(object.ChecksumSHA256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(document);
  });

  it('writes the rollback record beside the verdict record', async () => {
    const { store, bucket } = await storeWithBucket();
    const document = deployEvidence('checkout', 'evt-43');

    await store.write(document, 'verdict');
    const location = await store.write({ ...document, stage: 'rollback' }, 'rollback');

    expect(location.uri).toBe(
      `s3://${bucket}/deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-43.rollback.json`,
    );
    expect(await store.list('deploys/checkout/')).toEqual([
      'deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-43.json',
      'deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-43.rollback.json',
    ]);
  });

  it('writes the delivery record beside the verdict and rollback records, never over them', async () => {
    const { store, bucket } = await storeWithBucket();
    const document = deployEvidence('checkout', 'evt-44');
    const stem = 'deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-44';

    await store.write(document, 'verdict');
    await store.write({ ...document, stage: 'rollback' }, 'rollback');
    const location = await store.write({ ...document, stage: 'delivery' }, 'delivery');

    expect(location.uri).toBe(`s3://${bucket}/${stem}.delivery.json`);
    expect(await store.list('deploys/checkout/')).toEqual([
      `${stem}.delivery.json`,
      `${stem}.json`,
      `${stem}.rollback.json`,
    ]);
    expect((await store.get(`${stem}.json`)).stage).toBe('verdict');
  });

  it('writes a scheduled check under checks/<monitor>/', async () => {
    const { store, bucket } = await storeWithBucket();
    const document = sampleEvidence({ context: { kind: 'check', monitor: 'homepage', run_id: 'req-1' } });

    const location = await store.write(document, 'verdict');

    expect(location.uri).toBe(`s3://${bucket}/checks/homepage/2026/01/07/20260107T100000000Z.json`);
  });

  it('refuses a second write to the same key and keeps the first record', async () => {
    const { store, bucket } = await storeWithBucket();
    const first = deployEvidence('checkout', 'evt-44');
    const { uri } = await store.write(first, 'verdict');

    const error = await captureError(store.write({ ...first, message: 'a replacement' }, 'verdict'));

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect(error).toMatchObject({ errorName: 'PreconditionFailed' });
    expect((error as Error).message).toContain(`evidence already exists at ${uri}`);
    expect(await store.get(uri.replace(`s3://${bucket}/`, ''))).toEqual(first);
  });

  it('refuses a service name that cannot be a key part, and writes nothing', async () => {
    const { store } = await storeWithBucket();

    const error = await captureError(store.write(deployEvidence('check/out'), 'verdict'));

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect((error as EvidenceWriteError).cause).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('service: must be 1-64 letters');
    expect((error as Error).message).toContain('"check/out"');
    expect(await store.list('')).toEqual([]);
  });

  it.each(['verdict', 'rollback', 'delivery'] as const)(
    'locates the %s record before it is written, where write then puts it',
    async (stage) => {
      const { store } = await storeWithBucket();
      const document = deployEvidence();

      const located = store.locate(document, stage);

      expect(located).toBeDefined();
      expect(await store.write(document, stage)).toEqual({ uri: located });
    },
  );

  it('locates nothing for a document that cannot be named, rather than throwing', () => {
    const store = new S3EvidenceStore({ client: new S3Client(awsClientConfig()), bucket: 'rollgate-evidence' });

    expect(store.locate(deployEvidence('check/out'), 'verdict')).toBeUndefined();
  });

  it('reports a bucket that does not exist as EvidenceWriteError NoSuchBucket', async () => {
    const store = new S3EvidenceStore({
      client: new S3Client(awsClientConfig()),
      bucket: uniqueName('rollgate-missing'),
    });

    const error = await captureError(store.write(deployEvidence(), 'verdict'));

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect(error).toMatchObject({ errorName: 'NoSuchBucket' });
  });

  it('reads a record back with get', async () => {
    const { store, bucket } = await storeWithBucket();
    const document = deployEvidence();
    const { uri } = await store.write(document, 'verdict');

    expect(await store.get(uri.replace(`s3://${bucket}/`, ''))).toEqual(document);
  });

  it('reports a missing key as EvidenceReadError NoSuchKey', async () => {
    const { store } = await storeWithBucket();

    const error = await captureError(store.get('deploys/nothing/here.json'));

    expect(error).toBeInstanceOf(EvidenceReadError);
    expect(error).toMatchObject({ errorName: 'NoSuchKey' });
  });

  it('refuses to return an object that is not Rollgate evidence', async () => {
    const { store, bucket } = await storeWithBucket();
    await motoClients().s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'deploys/x.json', Body: '{"hello":1}' }));

    await expect(store.get('deploys/x.json')).rejects.toThrow(/is not a Rollgate evidence document/);
  });

  it('lists only the keys under a prefix', async () => {
    const { store } = await storeWithBucket();
    await store.write(deployEvidence('checkout', 'e1'), 'verdict');
    await store.write(deployEvidence('payments', 'e2'), 'verdict');
    await store.write(sampleEvidence({ context: { kind: 'check', monitor: 'homepage' } }), 'verdict');

    expect(await store.list('deploys/')).toEqual([
      'deploys/checkout/prod/2026/01/07/20260107T100000000Z-e1.json',
      'deploys/payments/prod/2026/01/07/20260107T100000000Z-e2.json',
    ]);
    expect(await store.list('checks/homepage/')).toHaveLength(1);
  });
});

describe('S3EvidenceStore with faults moto cannot produce', () => {
  it('reports PutObject AccessDenied as EvidenceWriteError carrying the AWS error name', async () => {
    const client = new S3Client(awsClientConfig());
    const s3 = mockClient(client);
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'Access Denied',
    });
    s3.on(PutObjectCommand).rejects(denied);
    const store = new S3EvidenceStore({ client, bucket: 'rollgate-evidence' });

    const error = await captureError(store.write(deployEvidence('checkout', 'evt-9'), 'verdict'));

    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect(error).toMatchObject({ errorName: 'AccessDenied', cause: denied });
    expect((error as Error).message).toMatch(
      /^cannot write evidence to s3:\/\/rollgate-evidence\/deploys\/checkout\/.*: AccessDenied: /,
    );
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    });
    s3.restore();
  });

  it('follows ListObjectsV2 continuation tokens to the last page', async () => {
    const client = new S3Client(awsClientConfig());
    const s3 = mockClient(client);
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: 'checks/a/1.json' }, { Key: 'checks/a/2.json' }], NextContinuationToken: 'page-2' })
      .on(ListObjectsV2Command, { ContinuationToken: 'page-2' })
      .resolves({ Contents: [{ Key: 'checks/a/3.json' }] });
    const store = new S3EvidenceStore({ client, bucket: 'rollgate-evidence' });

    expect(await store.list('checks/a/')).toEqual(['checks/a/1.json', 'checks/a/2.json', 'checks/a/3.json']);
    s3.restore();
  });

  it('reports a list that S3 refuses as EvidenceReadError with the AWS error name', async () => {
    const client = new S3Client(awsClientConfig());
    const s3 = mockClient(client);
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' }),
    );
    const store = new S3EvidenceStore({ client, bucket: 'rollgate-evidence' });

    await expect(store.list('deploys/')).rejects.toMatchObject({
      name: 'EvidenceReadError',
      errorName: 'AccessDenied',
    });
    s3.restore();
  });
});
