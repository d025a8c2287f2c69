// Evidence read back from a local directory: what `rollgate gate` leaves in artifacts/rollout/, what `rollgate
// monitor` leaves in artifacts/checks/<monitor>/, or a copy of the stack's bucket (aws s3 sync). The layout is not
// assumed: the directory is walked (bounded), every evidence document in it is read, and runs are ordered by when
// they started. `since` prunes date folders (YYYY/MM/DD) and files last written before it without reading them.

import type { Dirent } from 'node:fs';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { EvidenceReadError, describeError } from '../../core/errors.ts';
import {
  runIdentityOf,
  inEvidenceScope,
  type EvidenceQuery,
  type EvidenceScope,
} from '../../core/evidence-query/evidence-query.ts';
import type {
  EvidenceEntry,
  EvidenceKeyBounds,
  EvidencePage,
  EvidenceRead,
  EvidenceReader,
  EvidenceRecordSource,
} from '../../core/evidence-query/evidence-reader.ts';
import { listEvidenceRuns } from '../../core/evidence-query/list-evidence-runs.ts';
import { MAX_EVIDENCE_BYTES, NOT_EVIDENCE, parseEvidenceText } from '../evidence-document-text.ts';

/** Folders deeper than this are not walked: a bucket copy is six deep (deploys/S/E/YYYY/MM/DD). */
const MAX_DEPTH = 10;
/** Files looked at in one walk, at most. */
export const MAX_FILES_WALKED = 200_000;
/** Names Rollgate gives its records: a file that looks like one but does not read as one is reported, others ignored. */
const ROLLGATE_FILE_NAME = /^(?:health-gate(?:\.[a-z]+)?|\d{8}T\d{9}Z.*)\.json$/;
const DATE_FOLDER = [/^\d{4}$/, /^\d{2}$/, /^\d{2}$/] as const;
/**
 * `rollgate monitor` keeps a copy of each monitor's newest record as `checks/<monitor>/latest.json` for a quick look;
 * the record itself is in its date folder, so the copy is not read twice.
 */
const COPY_OF_NEWEST = 'latest.json';

interface IndexedRecord {
  readonly key: string;
  readonly read: EvidenceRead;
  readonly order?: { readonly startedMs: number; readonly identity: string };
}

export class FsEvidenceReader implements EvidenceReader, EvidenceRecordSource {
  public readonly directory: string;
  private readonly cache = new Map<string, EvidenceRead>();

  public constructor(directory: string) {
    this.directory = resolve(directory);
  }

  public describe(): string {
    return this.directory;
  }

  public uriOf(key: string): string {
    return join(this.directory, ...key.split('/'));
  }

  public list(query: EvidenceQuery): Promise<EvidencePage> {
    return listEvidenceRuns(this, query);
  }

  public async get(key: string): Promise<EvidenceEntry> {
    const path = resolve(this.directory, key);
    const inside = relative(this.directory, path);
    if (inside === '' || inside.startsWith('..') || resolve(this.directory, inside) !== path) {
      throw new EvidenceReadError(`${key} is not inside ${this.directory}`, { errorName: 'OutsideEvidenceDir' });
    }
    const read = await this.readFile(path);
    const relativeKey = inside.split(sep).join('/');
    if (!read.ok) throw new EvidenceReadError(`${path} ${read.problem}`, { errorName: 'NotEvidence' });
    return { key: relativeKey, uri: path, document: read.document };
  }

  public async read(key: string): Promise<EvidenceRead> {
    return this.cache.get(key) ?? this.readFile(this.uriOf(key));
  }

  public async *keys(scope: EvidenceScope, bounds: EvidenceKeyBounds): AsyncGenerator<string> {
    const records = await this.index(bounds.since);
    const ordered = records
      .filter((record) => !record.read.ok || inEvidenceScope(record.read.document, scope))
      .sort(newestFirst);
    let start = 0;
    if (bounds.after !== undefined) {
      start = ordered.findIndex((record) => record.key === bounds.after) + 1;
      if (start === 0) {
        throw new EvidenceReadError(`${bounds.after} is no longer in ${this.directory}: list again without --after`, {
          errorName: 'NoSuchKey',
        });
      }
    }
    for (const record of ordered.slice(start)) {
      this.cache.set(record.key, record.read);
      yield record.key;
    }
  }

  /** Every evidence file under the directory (files last written before `since` skipped), read once. */
  private async index(since: Date | undefined): Promise<IndexedRecord[]> {
    const paths: string[] = [];
    const sinceIso = since?.toISOString();
    const sinceDay =
      sinceIso === undefined ? undefined : [sinceIso.slice(0, 4), sinceIso.slice(5, 7), sinceIso.slice(8, 10)];
    const walk = async (folder: string, depth: number, date: readonly string[]): Promise<void> => {
      if (depth > MAX_DEPTH || paths.length >= MAX_FILES_WALKED) return;
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if (depth === 0) {
          throw new EvidenceReadError(`cannot read the evidence directory ${folder}: ${describeError(error)}`, {
            cause: error,
          });
        }
        return;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (entry.name.startsWith('.') || paths.length >= MAX_FILES_WALKED) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          const dated = date.length < DATE_FOLDER.length && DATE_FOLDER[date.length]!.test(entry.name);
          const here = dated ? [...date, entry.name] : [];
          if (dated && sinceDay !== undefined && beforeDay(here, sinceDay)) continue;
          await walk(path, depth + 1, here);
        } else if (entry.isFile() && entry.name.endsWith('.json') && entry.name !== COPY_OF_NEWEST) {
          paths.push(path);
        }
      }
    };
    await walk(this.directory, 0, []);
    const records: IndexedRecord[] = [];
    for (const path of paths) {
      const key = relative(this.directory, path).split(sep).join('/');
      // A record's file is written after its run started: one last written before `since` holds an older run.
      if (since !== undefined) {
        const info = await lstat(path).catch(() => undefined);
        if (info === undefined || info.mtimeMs < since.getTime()) continue;
      }
      const read = await this.readFile(path);
      if (!read.ok && read.problem === NOT_EVIDENCE) continue;
      if (!read.ok && !ROLLGATE_FILE_NAME.test(key.slice(key.lastIndexOf('/') + 1))) continue;
      records.push({
        key,
        read,
        ...(read.ok
          ? { order: { startedMs: timeOrNever(read.document.started_at), identity: runIdentityOf(read.document) } }
          : {}),
      });
    }
    return records;
  }

  private async readFile(path: string): Promise<EvidenceRead> {
    try {
      const info = await lstat(path);
      if (!info.isFile()) return { ok: false, problem: 'is not a file' };
      if (info.size > MAX_EVIDENCE_BYTES) {
        return { ok: false, problem: `is larger than ${MAX_EVIDENCE_BYTES} bytes (${info.size})` };
      }
      return parseEvidenceText(await readFile(path, 'utf8'));
    } catch (error) {
      // A file system error's code (ENOENT, EACCES) names it better than its class, which is only Error.
      const code = (error as NodeJS.ErrnoException).code;
      throw new EvidenceReadError(`cannot read ${path}: ${describeError(error)}`, {
        cause: error,
        ...(code !== undefined ? { errorName: code } : {}),
      });
    }
  }
}

/** Newest run first; a run's records together (by its identity), then by key. Unreadable files sort last. */
function newestFirst(a: IndexedRecord, b: IndexedRecord): number {
  const timeA = a.order?.startedMs ?? Number.NEGATIVE_INFINITY;
  const timeB = b.order?.startedMs ?? Number.NEGATIVE_INFINITY;
  if (timeA !== timeB) return timeB > timeA ? 1 : -1;
  const identityA = a.order?.identity ?? '';
  const identityB = b.order?.identity ?? '';
  if (identityA !== identityB) return identityA < identityB ? 1 : -1;
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
}

/** Whether a date folder path (`['2026', '11']`) lies wholly before a day. */
function beforeDay(parts: readonly string[], day: readonly string[]): boolean {
  for (let index = 0; index < parts.length; index += 1) {
    if (parts[index] !== day[index]) return parts[index]! < day[index]!;
  }
  return false;
}

function timeOrNever(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
