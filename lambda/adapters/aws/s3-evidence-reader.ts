// Evidence read back from the stack's bucket, newest first, without listing the bucket: keys are date-partitioned
// (deploys/<service>/<environment>/YYYY/MM/DD/..., checks/<monitor>/YYYY/MM/DD/...), so the reader walks the year,
// month and day folders from the newest down with delimiter listings and lists a day's keys only when it gets there.
// A page of runs costs a handful of LIST calls and one GET per record read; `since` ends the walk at its day.

import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { EvidenceReadError, describeError, errorNameOf } from '../../core/errors.ts';
import { inEvidenceScope, type EvidenceQuery, type EvidenceScope } from '../../core/evidence-query/evidence-query.ts';
import type {
  EvidenceEntry,
  EvidenceKeyBounds,
  EvidencePage,
  EvidenceRead,
  EvidenceReader,
  EvidenceRecordSource,
} from '../../core/evidence-query/evidence-reader.ts';
import { listEvidenceRuns } from '../../core/evidence-query/list-evidence-runs.ts';
import { checkEvidencePrefix, deployEvidencePrefix } from '../evidence-key.ts';
import { MAX_EVIDENCE_BYTES, parseEvidenceText } from '../evidence-document-text.ts';
import { compareNewestFirst, mergeNewestFirst } from '../merge-newest-first.ts';

export interface S3EvidenceReaderOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** Folder names the walk descends into: four digits for a year, two for a month or a day. */
const DATE_FOLDER = [/^\d{4}$/, /^\d{2}$/, /^\d{2}$/] as const;
/** Bounds the folders listed under one prefix (years, months, days, services...): no loop runs on without end. */
const MAX_LIST_PAGES = 1000;

export class S3EvidenceReader implements EvidenceReader, EvidenceRecordSource {
  private readonly client: S3Client;
  public readonly bucket: string;

  public constructor(options: S3EvidenceReaderOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  public describe(): string {
    return `s3://${this.bucket}`;
  }

  public uriOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  public list(query: EvidenceQuery): Promise<EvidencePage> {
    return listEvidenceRuns(this, query);
  }

  public async get(key: string): Promise<EvidenceEntry> {
    const read = await this.read(key, { missing: 'throw' });
    if (!read.ok) {
      throw new EvidenceReadError(`${this.uriOf(key)} ${read.problem}`, { errorName: 'NotEvidence' });
    }
    return { key, uri: this.uriOf(key), document: read.document };
  }

  /** One record; a key deleted since it was listed is an unreadable record, not a failure of the listing. */
  public async read(key: string, options: { readonly missing?: 'unreadable' | 'throw' } = {}): Promise<EvidenceRead> {
    let text: string;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if ((response.ContentLength ?? 0) > MAX_EVIDENCE_BYTES) {
        (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return { ok: false, problem: `is larger than ${MAX_EVIDENCE_BYTES} bytes (${response.ContentLength})` };
      }
      text = (await response.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if (errorNameOf(error) === 'NoSuchKey' && options.missing !== 'throw') {
        return { ok: false, problem: 'was deleted while it was being listed' };
      }
      throw new EvidenceReadError(`cannot read ${this.uriOf(key)}: ${describeError(error)}`, { cause: error });
    }
    return parseEvidenceText(text);
  }

  public async *keys(scope: EvidenceScope, bounds: EvidenceKeyBounds): AsyncGenerator<string> {
    const roots = await this.rootsOf(scope, bounds.since);
    yield* mergeNewestFirst(
      roots.map((root) => this.keysUnder(root, bounds)),
      bounds.after,
    );
  }

  /** The date-partitioned prefixes holding the scope's records. */
  private async rootsOf(scope: EvidenceScope, since: Date | undefined): Promise<string[]> {
    switch (scope.kind) {
      case 'monitor':
        return [checkEvidencePrefix(scope.monitor)];
      case 'service': {
        const deploys = deployEvidencePrefix(scope);
        if (!scope.monitors) return [deploys];
        // Which monitors watch the service is said by their records: the newest one of each is read to find out.
        const watching: string[] = [];
        for (const monitorRoot of await this.folders('checks/')) {
          const newest = await this.keysUnder(monitorRoot, since !== undefined ? { since } : {}).next();
          if (newest.done === true) continue;
          const read = await this.read(newest.value);
          if (read.ok && inEvidenceScope(read.document, scope)) watching.push(monitorRoot);
        }
        return [deploys, ...watching];
      }
      case 'all': {
        const services = await this.folders('deploys/');
        const environments = (await Promise.all(services.map((service) => this.folders(service)))).flat();
        return [...environments, ...(await this.folders('checks/'))];
      }
    }
  }

  /** One root's keys, newest first: its year, month and day folders walked from the newest, each day sorted. */
  private async *keysUnder(root: string, bounds: EvidenceKeyBounds): AsyncGenerator<string> {
    const sinceDay = bounds.since === undefined ? undefined : dayParts(bounds.since);
    // The day of `before` itself may hold runs before it; a run starting exactly at midnight is left to the filter.
    const lastDay = [
      bounds.after === undefined ? undefined : stampDayOf(bounds.after),
      bounds.before === undefined ? undefined : dayParts(new Date(bounds.before.getTime() - 1)),
    ]
      .filter((day): day is readonly string[] => day !== undefined)
      .sort((a, b) => comparePrefix(a, b))[0];
    const self = this;
    async function* walk(prefix: string, depth: number, parts: readonly string[]): AsyncGenerator<string> {
      if (depth === DATE_FOLDER.length) {
        yield* (await self.dayKeys(prefix)).sort(compareNewestFirst);
        return;
      }
      const folders = (await self.folders(prefix))
        .map((folder) => ({ folder, name: folder.slice(prefix.length, -1) }))
        .filter(({ name }) => DATE_FOLDER[depth]!.test(name))
        .sort((a, b) => descending(a.name, b.name));
      for (const { folder, name } of folders) {
        const here = [...parts, name];
        // Whole folders before `since` or after the page's cursor are skipped without being listed.
        if (sinceDay !== undefined && comparePrefix(here, sinceDay) < 0) break;
        if (lastDay !== undefined && comparePrefix(here, lastDay) > 0) continue;
        yield* walk(folder, depth + 1, here);
      }
    }
    yield* walk(root, 0, []);
  }

  /** The common prefixes (`folders`) directly under a prefix. */
  private async folders(prefix: string): Promise<string[]> {
    const found: string[] = [];
    await this.listPages(prefix, '/', (page) => {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) found.push(common.Prefix);
    });
    return found;
  }

  /** Every evidence key in one day folder. */
  private async dayKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await this.listPages(prefix, undefined, (page) => {
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.json') === true) keys.push(object.Key);
      }
    });
    return keys;
  }

  private async listPages(
    prefix: string,
    delimiter: string | undefined,
    onPage: (page: { CommonPrefixes?: { Prefix?: string }[]; Contents?: { Key?: string }[] }) => void,
  ): Promise<void> {
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const answer = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
        );
        onPage(answer);
        token = answer.IsTruncated === true ? answer.NextContinuationToken : undefined;
        if (token === undefined) return;
      }
    } catch (error) {
      throw new EvidenceReadError(`cannot list ${this.uriOf(prefix)}: ${describeError(error)}`, { cause: error });
    }
  }
}

/** Code-unit order, as S3 lists keys; localeCompare would depend on the operator's locale. */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** A time's UTC day as folder names. */
function dayParts(time: Date): readonly string[] {
  const iso = time.toISOString();
  return [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
}

/** The day of a key's UTC stamp (`20261123T...` at the start of its file name), as folder names. */
function stampDayOf(key: string): readonly string[] | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T/.exec(key.slice(key.lastIndexOf('/') + 1));
  return match === null ? undefined : [match[1]!, match[2]!, match[3]!];
}

/** Compares a folder path (`['2026', '11']`) with a day on the parts they share. */
function comparePrefix(parts: readonly string[], day: readonly string[]): number {
  for (let index = 0; index < parts.length; index += 1) {
    if (parts[index]! !== day[index]!) return parts[index]! < day[index]! ? -1 : 1;
  }
  return 0;
}
