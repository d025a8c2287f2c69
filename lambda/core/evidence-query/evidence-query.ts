// What an operator asks of stored evidence: whose records (a service and environment, a monitor, everything), which
// of them (status, version, commit, since when), and how many at a time. Pure: the readers find the records, these
// functions say whether a record answers the question and which records make up one run.

import { normalizeVersion } from '../probe/expectations.ts';
import type { EvidenceDocument } from '../evidence/evidence.ts';
import type { GateStatus } from '../verdict/verdict.ts';

/**
 * Whose records: a service in an environment (its deploys and CLI gates; with `monitors`, also the scheduled checks of
 * the monitors that watch it), one monitor's checks, or everything the store holds.
 */
export type EvidenceScope =
  | {
      readonly kind: 'service';
      readonly service: string;
      readonly environment: string;
      readonly monitors: boolean;
    }
  | { readonly kind: 'monitor'; readonly monitor: string }
  | { readonly kind: 'all' };

export interface EvidenceFilters {
  readonly status?: GateStatus;
  /** The deployed or expected version; a leading v is ignored on both sides, as the probe does. */
  readonly version?: string;
  /** A commit hash or its start, matched against the deploy's commit and the CI run's. */
  readonly commit?: string;
}

export interface EvidenceQuery {
  readonly scope: EvidenceScope;
  readonly filters: EvidenceFilters;
  /** Only runs that started at or after this time; the readers skip older days without listing them. */
  readonly since?: Date;
  /** Only runs that started before this time; the readers skip later days without listing them. */
  readonly before?: Date;
  /** Continue after this record (the `next` of the previous page). */
  readonly after?: string;
  /** Runs per page. */
  readonly limit: number;
}

/** The service and environment a record is about, when it names them (a deploy, a CLI gate with --service, a monitor on a service). */
export function serviceOf(
  document: EvidenceDocument,
): { readonly service: string; readonly environment: string } | undefined {
  const context = document.context ?? {};
  const service = context.deploy?.service ?? context.service;
  const environment = context.deploy?.environment ?? context.environment;
  return typeof service === 'string' && typeof environment === 'string' ? { service, environment } : undefined;
}

/** Whether a record belongs to the scope, by what it says of itself (the readers also narrow by where it is stored). */
export function inEvidenceScope(document: EvidenceDocument, scope: EvidenceScope): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'monitor':
      return document.kind === 'check' && document.context?.monitor === scope.monitor;
    case 'service': {
      if (document.kind === 'check' && !scope.monitors) return false;
      const about = serviceOf(document);
      return about?.service === scope.service && about.environment === scope.environment;
    }
  }
}

export function matchesEvidenceFilters(document: EvidenceDocument, filters: EvidenceFilters): boolean {
  if (filters.status !== undefined && document.status !== filters.status) return false;
  if (filters.version !== undefined) {
    const wanted = normalizeVersion(filters.version);
    const versions = [document.context?.deploy?.version, document.expected_version].filter(
      (version): version is string => typeof version === 'string',
    );
    if (!versions.some((version) => normalizeVersion(version) === wanted)) return false;
  }
  if (filters.commit !== undefined) {
    const wanted = filters.commit.toLowerCase();
    const commits = [document.context?.deploy?.commit, document.context?.ci?.commit_sha].filter(
      (commit): commit is string => typeof commit === 'string',
    );
    if (!commits.some((commit) => commit.toLowerCase().startsWith(wanted))) return false;
  }
  return true;
}

/**
 * The records of one run (verdict, rollback, delivery...) share its kind, whose run it is, its start and its id: this
 * says which run a record belongs to without trusting where it was stored.
 */
export function runIdentityOf(document: EvidenceDocument): string {
  const context = document.context ?? {};
  const about = serviceOf(document);
  return JSON.stringify([
    document.kind,
    context.monitor ?? null,
    about?.service ?? null,
    about?.environment ?? null,
    document.started_at,
    context.deploy?.event_id ?? context.run_id ?? null,
  ]);
}

const STAGE_RANK: Readonly<Record<string, number>> = { verdict: 0, rollback: 1, delivery: 2 };

/**
 * Whether `a` tells more of its run than `b`: each later record of a run repeats the earlier ones and adds to them, so
 * the one that finished last is the most complete (the stage breaks a tie).
 */
export function isMoreComplete(a: EvidenceDocument, b: EvidenceDocument): boolean {
  const finishedA = timeOrNever(a.finished_at);
  const finishedB = timeOrNever(b.finished_at);
  if (finishedA !== finishedB) return finishedA > finishedB;
  return (STAGE_RANK[a.stage] ?? 3) > (STAGE_RANK[b.stage] ?? 3);
}

function timeOrNever(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
