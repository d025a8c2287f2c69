// Walks a chain of evidence records from its head back: each record's bytes must hash to what its successor (or the
// head) says, carry the sequence its place gives it, and name a predecessor that exists under the chain's prefix.
// Every record under the prefix is read, so a record no walk reaches (a fork, one spliced out) shows too. Problems
// are reported oldest first: the first is the first bad record.

import { EvidenceReadError, errorMessageOf } from '../errors.ts';
import { mapBounded } from '../probe/run-bounded.ts';
import type { EvidenceChainHead } from '../state/evidence-chain-head.ts';
import { chainKeyOfUri, chainRecordOf, isChainRecordKey, type ChainRecord } from './chain-record.ts';
import type { EvidenceChainSource } from './evidence-chain-source.ts';

/** Records read at once. */
const READ_CONCURRENCY = 16;
/** Records under one prefix read at most: a year of a monitor every minute, with room. */
export const MAX_CHAIN_RECORDS = 1_000_000;

export type ChainProblemKind =
  /** The head names a record that does not exist. */
  | 'head_past_newest'
  /** The state store keeps no head, but chained records exist. */
  | 'head_missing'
  /** A record names a predecessor that does not exist: a gap. */
  | 'missing'
  /** A record's bytes no longer hash to what its successor (or the head) says, or its link is damaged. */
  | 'edited'
  /** A record's sequence disagrees with its place, or a link points forward or outside the chain. */
  | 'out_of_order'
  /** A chained record the walk from the head never reaches: a fork, a record spliced out, one past the head. */
  | 'not_in_chain';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  /** Its place in the chain, as its successor or the head counts; undefined for a record with no place in it. */
  readonly sequence: number | undefined;
  /** Where it is, or was expected. */
  readonly uri: string;
  readonly detail: string;
}

export interface ChainVerification {
  readonly chain: string;
  readonly head: EvidenceChainHead | undefined;
  readonly intact: boolean;
  /** Records reached from the head (their bytes checked wherever a successor vouches for them). */
  readonly checked: number;
  /** The oldest sequence reached. */
  readonly oldestSequence: number | undefined;
  /** Records reached past a gap, whose bytes nothing vouches for: the record after each is missing. */
  readonly unvouched: readonly { readonly sequence: number; readonly uri: string }[];
  /** The walk ended at --since rather than at the chain's first record. */
  readonly stoppedAtSince: boolean;
  /** Oldest first: the first is the first bad record. */
  readonly problems: readonly ChainProblem[];
  /** Records without a link: written before the chain began, or with a fault saying why it could not be advanced. */
  readonly unlinked: { readonly beforeChain: number; readonly withFault: readonly string[] };
  /** Keys kept in more than one version (a versioned bucket): verify read the current one. */
  readonly versions: readonly { readonly uri: string; readonly count: number }[];
  /** Why versions could not be listed, when they could not. */
  readonly versionsUnchecked?: string;
}

export interface VerifyChainRequest {
  /** The chain's name, `deploys/checkout/prod` or `checks/web`: its records' key prefix without the final `/`. */
  readonly chain: string;
  readonly head: EvidenceChainHead | undefined;
  readonly source: EvidenceChainSource;
  /** Walk back only to the first record started before this. */
  readonly since?: Date;
}

interface WalkTarget {
  readonly key: string | undefined;
  readonly uri: string;
  /** undefined: nothing vouches for its bytes (its successor is missing). */
  readonly sha256: string | undefined;
  readonly sequence: number;
  /** `the head` or `sequence N`: what named it. */
  readonly namedBy: string;
}

export async function verifyEvidenceChain(request: VerifyChainRequest): Promise<ChainVerification> {
  const { chain, head, source, since } = request;
  const prefix = `${chain}/`;
  const sinceDay = since === undefined ? undefined : since.toISOString().slice(0, 10).replaceAll('-', '/');
  const keys = (await source.listKeys(prefix, sinceDay)).filter(
    (key) => isChainRecordKey(key, prefix) && (sinceDay === undefined || key.slice(prefix.length) >= sinceDay),
  );
  if (keys.length > MAX_CHAIN_RECORDS) {
    throw new EvidenceReadError(
      `${keys.length} records under ${source.uriOf(prefix)}, more than ${MAX_CHAIN_RECORDS} verify reads: bound it with --since`,
      { errorName: 'TooManyRecords' },
    );
  }
  const listed = new Map<string, ChainRecord>();
  await mapBounded(keys, READ_CONCURRENCY, async (key) => {
    const bytes = await source.readBytes(key);
    if (bytes !== undefined) listed.set(key, chainRecordOf(key, bytes));
  });
  const started = (record: ChainRecord): number => Date.parse(record.startedAt ?? '');
  const inRange = (record: ChainRecord): boolean => since === undefined || !(started(record) < since.getTime());

  const problems: ChainProblem[] = [];
  const problem = (kind: ChainProblemKind, sequence: number | undefined, uri: string, detail: string): void => {
    problems.push({ kind, sequence, uri, detail });
  };
  const visited = new Set<string>();
  /** The newest chained record not yet reached, older than `below`: where the walk goes on after a gap. */
  const resumeBelow = (below: number, namedBy: string): WalkTarget | undefined => {
    let best: ChainRecord | undefined;
    for (const record of listed.values()) {
      const sequence = record.link?.sequence;
      if (sequence === undefined || sequence >= below || visited.has(record.key)) continue;
      if (best === undefined || sequence > best.link!.sequence) best = record;
    }
    if (best === undefined) return undefined;
    const sequence = best.link!.sequence;
    if (sequence < below - 1) {
      const missing =
        sequence + 1 === below - 1 ? `sequence ${below - 1}` : `sequences ${sequence + 1} to ${below - 1}`;
      problem('missing', sequence + 1, source.uriOf(prefix), `no record of ${missing} is under the prefix`);
    }
    return { key: best.key, uri: source.uriOf(best.key), sha256: undefined, sequence, namedBy };
  };

  let target: WalkTarget | undefined;
  if (head !== undefined) {
    const key = chainKeyOfUri(head.lastUri, prefix);
    target = { key, uri: head.lastUri, sha256: head.lastHash, sequence: head.sequence, namedBy: 'the head' };
  } else {
    const newest = Math.max(0, ...[...listed.values()].map((record) => record.link?.sequence ?? 0));
    if (newest > 0) {
      problem(
        'head_missing',
        newest,
        source.uriOf(prefix),
        `the state store keeps no head for ${chain}, yet records are chained up to sequence ${newest}`,
      );
      target = resumeBelow(newest + 1, 'no head');
    }
  }

  let checked = 0;
  const unvouched: { sequence: number; uri: string }[] = [];
  let oldestSequence: number | undefined;
  let stoppedAtSince = false;
  const maxSteps = listed.size + keys.length + 16;
  for (let step = 0; target !== undefined && step < maxSteps; step += 1) {
    const current: WalkTarget = target;
    target = undefined;
    const record =
      current.key === undefined
        ? undefined
        : (listed.get(current.key) ?? (await fetchRecord(source, current.key, prefix)));
    if (current.key === undefined || record === undefined) {
      const outside = current.key === undefined;
      const kind = outside ? 'out_of_order' : current.namedBy === 'the head' ? 'head_past_newest' : 'missing';
      const detail = outside
        ? `${current.namedBy} names ${current.uri}, which is not under ${prefix}`
        : current.namedBy === 'the head'
          ? `the head names it as the newest record (sequence ${current.sequence}), but it does not exist`
          : `${current.namedBy} names it as its predecessor, but it does not exist`;
      problem(kind, current.sequence, current.uri, detail);
      target = resumeBelow(current.sequence, `the record after sequence ${current.sequence}`);
      continue;
    }
    if (visited.has(record.key)) {
      problem(
        'out_of_order',
        current.sequence,
        current.uri,
        `${current.namedBy} names a record already reached: the links loop`,
      );
      break;
    }
    visited.add(record.key);
    checked += 1;
    oldestSequence = current.sequence;
    // Reached past a gap: the record that held its hash is gone, so an edit of this one cannot show.
    if (current.sha256 === undefined) unvouched.push({ sequence: current.sequence, uri: current.uri });
    if (current.sha256 !== undefined && record.sha256 !== current.sha256) {
      problem(
        'edited',
        current.sequence,
        current.uri,
        `its bytes hash to ${record.sha256.slice(0, 12)}…, ${current.namedBy} says ${current.sha256.slice(0, 12)}…`,
      );
    }
    const link = record.link;
    if (link === undefined) {
      if (current.sha256 === undefined || record.sha256 === current.sha256) {
        problem('edited', current.sequence, current.uri, record.linkProblem ?? 'it carries no chain link');
      }
      target = resumeBelow(current.sequence, `the record after sequence ${current.sequence}`);
      continue;
    }
    // Past a record out of its place the places are in doubt: the walk goes on by the record's own numbering.
    const place = link.sequence;
    if (place !== current.sequence) {
      const detail = `it says sequence ${place}, its place is ${current.sequence}`;
      problem('out_of_order', current.sequence, current.uri, detail);
    }
    if (!inRange(record)) {
      stoppedAtSince = link.previous_uri !== null;
      break;
    }
    // The first record names no predecessor (readChainLink holds sequence 1 to that).
    if (link.previous_uri === null || link.previous_sha256 === null) break;
    target = {
      key: chainKeyOfUri(link.previous_uri, prefix),
      uri: link.previous_uri,
      sha256: link.previous_sha256,
      sequence: place - 1,
      namedBy: `sequence ${place}`,
    };
  }

  const headSequence = head?.sequence ?? Number.POSITIVE_INFINITY;
  const firstChained = Math.min(
    ...[...listed.values()].filter((record) => record.link?.sequence === 1).map(started),
    Number.POSITIVE_INFINITY,
  );
  let beforeChain = 0;
  const withFault: string[] = [];
  for (const record of listed.values()) {
    if (visited.has(record.key) || !inRange(record)) continue;
    const uri = source.uriOf(record.key);
    if (record.link !== undefined) {
      const sequence = record.link.sequence;
      problem(
        'not_in_chain',
        sequence,
        uri,
        sequence > headSequence
          ? `it says sequence ${sequence}, past the head's ${headSequence}`
          : `it says sequence ${sequence}, but no record after it names it (a second record for that place, or one spliced out)`,
      );
    } else if (record.linkProblem !== undefined) {
      problem('edited', undefined, uri, record.linkProblem);
    } else if (record.unlinkedWithFault) {
      withFault.push(uri);
    } else if (started(record) >= firstChained) {
      problem(
        'not_in_chain',
        undefined,
        uri,
        'it carries no chain link and no fault saying why, though the chain had begun',
      );
    } else {
      beforeChain += 1;
    }
  }

  // Versions are a note beside the verdict, not part of it: a caller without s3:ListBucketVersions still gets one.
  let counts: ReadonlyMap<string, number> = new Map();
  let versionsUnchecked: string | undefined;
  try {
    if (source.versionCounts !== undefined) counts = await source.versionCounts(prefix);
  } catch (error) {
    versionsUnchecked = errorMessageOf(error);
  }
  const versions = [...counts]
    .filter(([, count]) => count > 1)
    .map(([key, count]) => ({ uri: source.uriOf(key), count }))
    .sort((a, b) => (a.uri < b.uri ? -1 : 1));
  const place = (found: ChainProblem): number => found.sequence ?? Number.POSITIVE_INFINITY;
  const ordered = problems.sort((a, b) => place(a) - place(b) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  return {
    chain,
    head,
    intact: ordered.length === 0 && head !== undefined,
    checked,
    unvouched,
    oldestSequence,
    stoppedAtSince,
    problems: ordered,
    unlinked: { beforeChain, withFault },
    versions,
    ...(versionsUnchecked !== undefined ? { versionsUnchecked } : {}),
  };
}

/** A record the listing did not cover (before --since's day, or not named as the stores name records). */
async function fetchRecord(source: EvidenceChainSource, key: string, prefix: string): Promise<ChainRecord | undefined> {
  if (!isChainRecordKey(key, prefix)) return undefined;
  const bytes = await source.readBytes(key);
  return bytes === undefined ? undefined : chainRecordOf(key, bytes);
}
