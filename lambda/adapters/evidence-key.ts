// Where a run's evidence lives in S3. Keys sort by time under one prefix per service and environment (deploys) or per
// monitor (checks), so an operator lists a day with one prefix; the rollback and delivery records sit beside their
// verdict record.
// Names come from events, so each is checked before it becomes a key part: no slashes, no `..`, nothing to escape.

import { ConfigError } from '../core/errors.ts';
import type { EvidenceDocument } from '../core/evidence/evidence.ts';
import { EVENT_ID_PATTERN, NAME_PATTERN } from '../core/config/name-patterns.ts';
import type { EvidenceStage } from '../core/gate/ports.ts';

// `.` and `..` pass the patterns but are path steps to every tool that syncs a bucket to disk.
const ONLY_DOTS = /^\.+$/;

/**
 * `deploys/<service>/<environment>/<YYYY>/<MM>/<DD>/<stamp>-<event id>.json` for a deploy gate,
 * `checks/<monitor>/<YYYY>/<MM>/<DD>/<stamp>.json` for a scheduled check; `.rollback.json` for the rollback record and
 * `.delivery.json` for the delivery record, beside it.
 */
export function evidenceKey(document: EvidenceDocument, stage: EvidenceStage): string {
  const { day, stamp } = keyTime(document.started_at);
  let stem: string;
  switch (document.kind) {
    case 'deploy': {
      const deploy = document.context.deploy;
      if (deploy === undefined) {
        throw new ConfigError('context.deploy', undefined, 'a deploy run needs its deploy record for its evidence key');
      }
      const eventId = keyPart('event_id', deploy.event_id ?? document.context.run_id, EVENT_ID_PATTERN, 128);
      const service = keyPart('service', deploy.service);
      const environment = keyPart('environment', deploy.environment);
      stem = `deploys/${service}/${environment}/${day}/${stamp}-${eventId}`;
      break;
    }
    case 'check':
      stem = `checks/${keyPart('monitor', document.context.monitor)}/${day}/${stamp}`;
      break;
    case 'gate':
      throw new ConfigError('kind', document.kind, 'S3 evidence is kept for deploy and check runs only');
  }
  return stage === 'verdict' ? `${stem}.json` : `${stem}.${stage}.json`;
}

/** `s3://<bucket>/<key>`: how evidence in S3 is named in alerts, state and other evidence. */
export function s3EvidenceUri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Where a record of `document` goes in `bucket`, known before it is written (a known-good version names the evidence
 * that proved it, and the state is written first); undefined when the document cannot be named (evidenceKey throws).
 */
export function locateS3Evidence(bucket: string, document: EvidenceDocument, stage: EvidenceStage): string | undefined {
  try {
    return s3EvidenceUri(bucket, evidenceKey(document, stage));
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** The flag or field each part of a listing prefix came from, so a bad value is reported under the name the user typed. */
export interface EvidencePrefixLabels {
  readonly service: string;
  readonly environment: string;
  readonly day: string;
  readonly monitor: string;
}

const FIELD_LABELS: EvidencePrefixLabels = {
  service: 'service',
  environment: 'environment',
  day: 'day',
  monitor: 'monitor',
};
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `deploys/<service>/<environment>/` or, given a `YYYY-MM-DD` day, that day's folder: every key `evidenceKey` puts there. */
export function deployEvidencePrefix(
  parts: { readonly service: string; readonly environment: string; readonly day?: string },
  labels: EvidencePrefixLabels = FIELD_LABELS,
): string {
  const service = keyPart(labels.service, parts.service);
  const environment = keyPart(labels.environment, parts.environment);
  return `deploys/${service}/${environment}/${parts.day === undefined ? '' : `${dayFolders(parts.day, labels.day)}/`}`;
}

/** `checks/<monitor>/`: every key `evidenceKey` gives that monitor's scheduled checks. */
export function checkEvidencePrefix(monitor: string, labels: EvidencePrefixLabels = FIELD_LABELS): string {
  return `checks/${keyPart(labels.monitor, monitor)}/`;
}

/** `2026-11-23` as the key's day folders `2026/11/23`; a day that is not on the calendar is refused. */
function dayFolders(day: string, label: string): string {
  const match = ISO_DAY.exec(day);
  const time = new Date(`${day}T00:00:00.000Z`);
  // Date rolls 2026-02-30 over to March 2; only a day that reads back unchanged is real.
  if (match === null || Number.isNaN(time.getTime()) || time.toISOString().slice(0, 10) !== day) {
    throw new ConfigError(label, day, 'must be a calendar day as YYYY-MM-DD (UTC, as in the evidence keys)');
  }
  return `${match[1]}/${match[2]}/${match[3]}`;
}

/** The day folders (`2026/11/23`) and a sortable, key-safe UTC stamp (`20261123T143349123Z`) of an ISO time. */
export function keyTime(isoTime: string): { readonly day: string; readonly stamp: string } {
  const time = new Date(isoTime);
  if (Number.isNaN(time.getTime())) throw new ConfigError('started_at', isoTime, 'is not a date-time');
  const iso = time.toISOString();
  return {
    day: `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`,
    stamp: iso.replace(/[-:.]/g, ''),
  };
}

function keyPart(field: string, value: string | undefined, pattern = NAME_PATTERN, maxLength = 64): string {
  if (value === undefined || !pattern.test(value) || ONLY_DOTS.test(value)) {
    throw new ConfigError(
      field,
      value,
      `must be 1-${maxLength} letters, digits, dots, dashes or underscores (not only dots) to be part of an evidence key`,
    );
  }
  return value;
}
