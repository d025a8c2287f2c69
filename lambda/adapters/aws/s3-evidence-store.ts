// Evidence in S3, write-once: every record goes to its own key with `If-None-Match: *`, so S3 itself refuses a second
// write to a key and evidence already stored can never be replaced, by a retried event or by anything else. The
// SHA-256 checksum lets S3 reject a body damaged in transit. locate names a record before it is written; get and list
// serve the operator tools.

import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import {
  EvidenceReadError,
  EvidenceWriteError,
  describeError,
  errorMessageOf,
  errorNameOf,
} from '../../core/errors.ts';
import { TOOL_NAME, type EvidenceDocument } from '../../core/evidence/evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../core/gate/ports.ts';
import { serializeEvidence } from '../../core/evidence/serialize-evidence.ts';
import { evidenceKey, locateS3Evidence, s3EvidenceUri } from '../evidence-key.ts';

/** S3's answers to a conditional write that found the key taken (412), or lost a race for it (409). */
const KEY_ALREADY_WRITTEN = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

export interface S3EvidenceStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

export class S3EvidenceStore implements EvidenceStore {
  private readonly client: S3Client;
  public readonly bucket: string;

  public constructor(options: S3EvidenceStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    let key: string;
    try {
      key = evidenceKey(document, stage);
    } catch (error) {
      throw new EvidenceWriteError(`cannot name the evidence object in s3://${this.bucket}: ${errorMessageOf(error)}`, {
        cause: error,
      });
    }
    const uri = this.uriOf(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: serializeEvidence(document),
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      const name = errorNameOf(error);
      if (KEY_ALREADY_WRITTEN.has(name)) {
        throw new EvidenceWriteError(`evidence already exists at ${uri} and is never replaced (${name})`, {
          cause: error,
        });
      }
      throw new EvidenceWriteError(`cannot write evidence to ${uri}: ${describeError(error)}`, {
        cause: error,
      });
    }
    return { uri };
  }

  /** Where `write` puts the record: its evidence key in this bucket, as an `s3://` URI. */
  public locate(document: EvidenceDocument, stage: EvidenceStage): string | undefined {
    return locateS3Evidence(this.bucket, document, stage);
  }

  /** Reads one evidence document. Throws EvidenceReadError when it is missing, unreadable or not Rollgate evidence. */
  public async get(key: string): Promise<EvidenceDocument> {
    const uri = this.uriOf(key);
    let text: string;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = (await response.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      throw new EvidenceReadError(`cannot read ${uri}: ${describeError(error)}`, {
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new EvidenceReadError(`${uri} is not JSON: ${errorMessageOf(error)}`, { cause: error });
    }
    if (!isEvidenceDocument(parsed)) {
      throw new EvidenceReadError(`${uri} is not a Rollgate evidence document`, { errorName: 'NotEvidence' });
    }
    return parsed;
  }

  /** Every key under `prefix`, in S3's (lexicographic, so chronological within a folder) order. */
  public async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    try {
      const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) keys.push(object.Key);
        }
      }
    } catch (error) {
      throw new EvidenceReadError(`cannot list ${this.uriOf(prefix)}: ${describeError(error)}`, { cause: error });
    }
    return keys;
  }

  private uriOf(key: string): string {
    return s3EvidenceUri(this.bucket, key);
  }
}

function isEvidenceDocument(value: unknown): value is EvidenceDocument {
  return (
    typeof value === 'object' &&
    value !== null &&
    'tool' in value &&
    value.tool === TOOL_NAME &&
    'schema_version' in value &&
    typeof value.schema_version === 'number'
  );
}
