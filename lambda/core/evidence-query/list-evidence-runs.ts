// One way to page through evidence for every reader: records come newest first from the reader's source, are read a
// few at a time ahead of need, grouped into runs (a run's records are listed next to each other), and a run is kept
// when it is in scope and its most complete record matches the filters. A page ends on a run boundary, so `next`
// never splits a run, and reading stops at the first record older than `since`.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import {
  inEvidenceScope,
  isMoreComplete,
  matchesEvidenceFilters,
  runIdentityOf,
  type EvidenceQuery,
} from './evidence-query.ts';
import type {
  EvidencePage,
  EvidenceRead,
  EvidenceRecordSource,
  EvidenceRun,
  UnreadableRecord,
} from './evidence-reader.ts';

/** Records read at once ahead of need: an S3 GET costs a round trip, a page wants twenty runs. */
export const READ_AHEAD = 8;
/** A page stops after this many records, even short of its runs, so a filter that matches nothing cannot read forever. */
export const MAX_RECORDS_EXAMINED = 10_000;

export interface ListEvidenceOptions {
  /** @default READ_AHEAD */
  readonly readAhead?: number;
  /** @default MAX_RECORDS_EXAMINED */
  readonly maxExamined?: number;
}

export async function listEvidenceRuns(
  source: EvidenceRecordSource,
  query: EvidenceQuery,
  options: ListEvidenceOptions = {},
): Promise<EvidencePage> {
  const maxExamined = options.maxExamined ?? MAX_RECORDS_EXAMINED;
  const sinceMs = query.since?.getTime();
  const beforeMs = query.before?.getTime();
  const bounds = {
    ...(query.since !== undefined ? { since: query.since } : {}),
    ...(query.before !== undefined ? { before: query.before } : {}),
    ...(query.after !== undefined ? { after: query.after } : {}),
  };
  const runs: EvidenceRun[] = [];
  const unreadable: UnreadableRecord[] = [];
  let examined = 0;
  let current: RunBuilder | undefined;
  let previousKey: string | undefined;
  let next: string | undefined;

  const keep = (run: RunBuilder): void => {
    const built = run.build(source);
    if (inEvidenceScope(built.document, query.scope) && matchesEvidenceFilters(built.document, query.filters)) {
      runs.push(built);
    }
  };

  for await (const { key, read } of readAhead(source.keys(query.scope, bounds), source, options.readAhead)) {
    const document = read.ok ? read.document : undefined;
    const startedMs = document === undefined ? undefined : Date.parse(document.started_at);
    if (startedMs !== undefined && sinceMs !== undefined && !(startedMs >= sinceMs)) break;
    if (startedMs !== undefined && beforeMs !== undefined && !(startedMs < beforeMs)) {
      examined += 1;
      previousKey = key;
      continue;
    }
    const id = document === undefined ? undefined : runIdentityOf(document);
    if (current !== undefined && id !== undefined && current.id === id) {
      current.add(key, document!);
    } else {
      // A record of another run (or one that could not be read) closes the run before it.
      if (current !== undefined) {
        keep(current);
        current = undefined;
        if (runs.length >= query.limit || examined >= maxExamined) {
          next = previousKey;
          break;
        }
      }
      if (read.ok) current = new RunBuilder(id!, key, read.document);
      else unreadable.push({ key, problem: read.problem });
    }
    examined += 1;
    previousKey = key;
  }
  if (next === undefined && current !== undefined) keep(current);
  return { runs, ...(next !== undefined ? { next } : {}), examined, unreadable };
}

class RunBuilder {
  public readonly id: string;
  private readonly keys: string[];
  private best: { readonly key: string; readonly document: EvidenceDocument };

  public constructor(id: string, key: string, document: EvidenceDocument) {
    this.id = id;
    this.keys = [key];
    this.best = { key, document };
  }

  public add(key: string, document: EvidenceDocument): void {
    this.keys.push(key);
    if (isMoreComplete(document, this.best.document)) this.best = { key, document };
  }

  public build(source: EvidenceRecordSource): EvidenceRun {
    return { ...this.best, uri: source.uriOf(this.best.key), records: [...this.keys] };
  }
}

/** The source's keys, each with its record, reading up to `width` records ahead; stops the key listing when dropped. */
async function* readAhead(
  keys: AsyncIterable<string>,
  source: EvidenceRecordSource,
  width = READ_AHEAD,
): AsyncGenerator<{ readonly key: string; readonly read: EvidenceRead }> {
  const iterator = keys[Symbol.asyncIterator]();
  const pending: { key: string; read: Promise<EvidenceRead> }[] = [];
  let listed = false;
  try {
    for (;;) {
      while (!listed && pending.length < Math.max(1, width)) {
        const step = await iterator.next();
        if (step.done === true) {
          listed = true;
          break;
        }
        const read = source.read(step.value);
        // Read ahead, maybe never awaited when the page fills first: its failure must not go unhandled.
        read.catch(() => undefined);
        pending.push({ key: step.value, read });
      }
      const head = pending.shift();
      if (head === undefined) return;
      yield { key: head.key, read: await head.read };
    }
  } finally {
    await iterator.return?.();
  }
}
