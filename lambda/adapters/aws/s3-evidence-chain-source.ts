// A chain's records in the stack's bucket, for `rollgate evidence verify --bucket`: the keys under the chain's prefix
// (from --since's day on), each object's bytes as stored, and which keys the bucket keeps in more than one version (an
// edit or a deletion on a versioned bucket leaves the original behind it, for good under Object Lock).

import { GetObjectCommand, ListObjectVersionsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { EvidenceReadError, describeError, errorNameOf } from '../../core/errors.ts';
import type { EvidenceChainSource } from '../../core/evidence/evidence-chain-source.ts';
import { MAX_EVIDENCE_BYTES } from '../evidence-document-text.ts';
import { s3EvidenceUri } from '../evidence-key.ts';

/** A thousand versions a page: a million versions under one chain's prefix, with room. */
const MAX_VERSION_PAGES = 2000;
/** S3's answers for a key with no object behind it. */
const NO_OBJECT = new Set(['NoSuchKey', 'NotFound']);

export interface S3EvidenceChainSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

export class S3EvidenceChainSource implements EvidenceChainSource {
  private readonly client: S3Client;
  public readonly bucket: string;

  public constructor(options: S3EvidenceChainSourceOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  public describe(): string {
    return `s3://${this.bucket}`;
  }

  public uriOf(key: string): string {
    return s3EvidenceUri(this.bucket, key);
  }

  public async listKeys(prefix: string, sinceDay?: string): Promise<string[]> {
    const keys: string[] = [];
    try {
      // Keys sort by day under the prefix: listing after `<prefix><since day>` skips the days before it.
      const startAfter = sinceDay === undefined ? {} : { StartAfter: `${prefix}${sinceDay}` };
      const pages = paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: prefix, ...startAfter },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      }
    } catch (error) {
      throw new EvidenceReadError(`cannot list ${this.uriOf(prefix)}: ${describeError(error)}`, { cause: error });
    }
    return keys;
  }

  public async readBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if ((response.ContentLength ?? 0) > MAX_EVIDENCE_BYTES) {
        throw new EvidenceReadError(
          `${this.uriOf(key)} is larger than any evidence record (${response.ContentLength} bytes)`,
          {
            errorName: 'RecordTooLarge',
          },
        );
      }
      return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (error instanceof EvidenceReadError) throw error;
      if (NO_OBJECT.has(errorNameOf(error))) return undefined;
      throw new EvidenceReadError(`cannot read ${this.uriOf(key)}: ${describeError(error)}`, { cause: error });
    }
  }

  /** Versions and delete markers per key: more than one means the bucket still holds an earlier state of it. */
  public async versionCounts(prefix: string): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    try {
      let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
      for (let page = 0; page < MAX_VERSION_PAGES; page += 1) {
        const listed = await this.client.send(
          new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, ...markers }),
        );
        for (const entry of [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])]) {
          if (entry.Key !== undefined) counts.set(entry.Key, (counts.get(entry.Key) ?? 0) + 1);
        }
        if (listed.IsTruncated !== true) break;
        markers = {
          ...(listed.NextKeyMarker !== undefined ? { KeyMarker: listed.NextKeyMarker } : {}),
          ...(listed.NextVersionIdMarker !== undefined ? { VersionIdMarker: listed.NextVersionIdMarker } : {}),
        };
      }
    } catch (error) {
      throw new EvidenceReadError(`cannot list the versions under ${this.uriOf(prefix)}: ${describeError(error)}`, {
        cause: error,
      });
    }
    return counts;
  }
}
