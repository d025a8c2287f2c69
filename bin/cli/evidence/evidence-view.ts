// One record as an operator reads it, as a structure both `rollgate evidence show` (text) and the report (HTML)
// render: the verdict and the rule that decided it, the facts of the run, then sections (rounds, targets with the
// conditions each attempt was judged by, the rollback and its verification, alerts, faults, state, notes). Pure, and
// lenient: a stored record may be old, partial or edited, so every field is read as optional.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import { formatDuration } from '../../../lambda/core/plan/lifecycle-alerts.ts';
import { serviceOf } from '../../../lambda/core/evidence-query/evidence-query.ts';
import { rollbackSections } from './evidence-view-rollback.ts';
import { roundsSection, targetsSection } from './evidence-view-targets.ts';
import { windowOf } from './evidence-window-fields.ts';

/** How a line reads at a glance: healthy, failing, worth a look, or neutral. */
export type ViewMark = 'ok' | 'fail' | 'warn' | 'none';

export interface ViewLine {
  readonly text: string;
  readonly mark?: ViewMark;
  /** Lines under it (a target's conditions and attempts, a host's outcome). */
  readonly children?: readonly ViewLine[];
  /** Text to show as it was recorded, in a block (a body excerpt, a command's output). */
  readonly block?: string;
}

export interface ViewSection {
  readonly title: string;
  readonly lines: readonly ViewLine[];
}

export interface EvidenceView {
  /** `Deploy checkout/prod 1.4.3`, `Check checkout-home`, `Gate`. */
  readonly heading: string;
  readonly status: string;
  readonly statusReason: string;
  readonly message: string;
  /** The rule that decided the verdict, in a sentence. */
  readonly rule: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly ViewSection[];
}

const REASON_RULES: Readonly<Record<string, string>> = {
  all_probes_healthy: 'every target met every condition',
  probe_failures: 'a target failed its conditions on every attempt, and one failing target fails the run',
  no_urls_configured: 'there was nothing to check (no targets), so nothing was validated',
  invalid_config: 'the configuration could not be used, so nothing was probed',
  prober_unavailable: 'the prober itself could not check; that never passes, and no rollback follows',
  interrupted: 'the run was stopped (SIGINT, SIGTERM) before a verdict; nothing was judged, no rollback follows',
};

const WINDOW_RULES: Readonly<Record<string, string>> = {
  success_threshold: 'enough healthy rounds in a row',
  failure_threshold: 'too many failing rounds in a row after the warm-up',
  window_elapsed: 'the window ended without enough healthy rounds in a row',
  no_targets: 'there was nothing to watch (no targets)',
  config_problem: 'the configuration could not be used, so no window ran',
  secret_store_unavailable: "a header's secret could not be read, so no window ran",
  interrupted: 'the window was stopped (SIGINT, SIGTERM) before it decided',
};

export function buildEvidenceView(document: EvidenceDocument): EvidenceView {
  const window = windowOf(document);
  const decidedBy = window?.decided_by;
  const reasonRule = REASON_RULES[document.status_reason] ?? String(document.status_reason);
  const rule =
    decidedBy === undefined
      ? `${document.status_reason}: ${reasonRule}`
      : `${decidedBy}: ${WINDOW_RULES[decidedBy] ?? decidedBy} (${document.status_reason})`;
  const sections = [
    ...(window !== undefined && window.rounds.length > 0 ? [roundsSection('Watch window', window)] : []),
    targetsSection(document),
    ...rollbackSections(document),
    alertsSection(document),
    faultsSection(document),
    stateSection(document),
    { title: 'Notes', lines: (document.notes ?? []).map((note): ViewLine => ({ text: String(note) })) },
    linksSection(document),
  ].filter((section) => section.lines.length > 0);
  return {
    heading: headingOf(document),
    status: String(document.status),
    statusReason: String(document.status_reason),
    message: String(document.message ?? ''),
    rule,
    facts: factsOf(document),
    sections,
  };
}

/** What the run was about, in a few words. */
export function headingOf(document: EvidenceDocument): string {
  const context = document.context ?? {};
  const about = serviceOf(document);
  const scope = about === undefined ? '' : ` ${about.service}/${about.environment}`;
  switch (document.kind) {
    case 'deploy':
      return `Deploy${scope}${context.deploy?.version !== undefined ? ` ${context.deploy.version}` : ''}`;
    case 'check':
      return `Check ${context.monitor ?? '(unnamed monitor)'}${about === undefined ? '' : ` on${scope}`}`;
    default:
      return `Gate${scope}${document.expected_version ? ` ${document.expected_version}` : ''}`;
  }
}

function factsOf(document: EvidenceDocument): (readonly [string, string])[] {
  const facts: (readonly [string, string])[] = [];
  const context = document.context ?? {};
  const duration = typeof document.duration_ms === 'number' ? ` (${formatDuration(document.duration_ms)})` : '';
  facts.push(['When', `${document.started_at} to ${document.finished_at}${duration}`]);
  facts.push(['Record', `${document.stage}${STAGE_WORDS[document.stage] ?? ''}`]);
  const deploy = context.deploy;
  if (deploy !== undefined) {
    const parts = [
      `version ${deploy.version}`,
      deploy.previous_version !== undefined ? `previous ${deploy.previous_version}` : '',
      deploy.commit !== undefined ? `commit ${deploy.commit}` : '',
      deploy.digest !== undefined ? `digest ${deploy.digest}` : '',
      deploy.event_id !== undefined ? `event ${deploy.event_id}` : '',
    ];
    facts.push(['Deploy', parts.filter(Boolean).join(', ')]);
  }
  if (context.monitor !== undefined) facts.push(['Monitor', context.monitor]);
  if (document.expected_version !== null && document.expected_version !== undefined) {
    facts.push(['Expected version', document.expected_version]);
  }
  const ci = context.ci;
  if (ci !== undefined && Object.keys(ci).length > 0) {
    const parts = [ci.provider, ci.repository, ci.ref, ci.commit_sha, ci.run_url].filter(Boolean);
    facts.push(['CI', parts.join(' ')]);
  }
  if (context.run_id !== undefined) facts.push(['Run', context.run_id]);
  const chain = chainFactOf(document);
  if (chain !== undefined) facts.push(['Chain', chain]);
  const settings = document.settings;
  if (settings !== null && settings !== undefined) {
    facts.push([
      'Probe settings',
      `${settings.retries + 1} attempt(s) of ${settings.timeout_ms} ms, ${settings.backoff_ms} ms apart, ${settings.concurrency} at once`,
    ]);
  }
  return facts;
}

/** The record's place in its service's or monitor's chain of records, when it carries one (read leniently). */
function chainFactOf(document: EvidenceDocument): string | undefined {
  const chain = (document as { readonly chain?: unknown }).chain;
  if (typeof chain !== 'object' || chain === null) return undefined;
  const link = chain as {
    readonly sequence?: unknown;
    readonly previous_sha256?: unknown;
    readonly previous_uri?: unknown;
  };
  if (typeof link.sequence !== 'number') return undefined;
  if (typeof link.previous_sha256 !== 'string') return `record ${link.sequence}, the first of its chain`;
  const where = typeof link.previous_uri === 'string' ? ` at ${link.previous_uri}` : '';
  return `record ${link.sequence}; the one before has SHA-256 ${link.previous_sha256}${where}`;
}

const STAGE_WORDS: Readonly<Record<string, string>> = {
  verdict: ' (written as soon as the verdict was known)',
  rollback: ' (the run after its rollback)',
  delivery: ' (the run once its alerts went out, written because one was not delivered)',
};

function alertsSection(document: EvidenceDocument): ViewSection {
  const lines = (document.alerts ?? []).map((alert): ViewLine => {
    const delivery =
      alert.delivered === true
        ? 'delivered'
        : alert.delivered === false
          ? `NOT delivered: ${alert.error ?? 'unknown error'}`
          : 'pending: sent after this record';
    return {
      text: `${alert.type}: ${alert.subject} (${delivery})`,
      mark: alert.delivered === false ? 'fail' : 'none',
    };
  });
  return { title: 'Alerts', lines };
}

function faultsSection(document: EvidenceDocument): ViewSection {
  const lines = (document.faults ?? []).map(
    (fault): ViewLine => ({ text: `${fault.port}: ${fault.error_name}: ${fault.message}`, mark: 'warn' }),
  );
  return { title: 'Faults (infrastructure that failed during the run)', lines };
}

function stateSection(document: EvidenceDocument): ViewSection {
  const state = document.state;
  if (state === undefined) return { title: 'State after the run', lines: [] };
  if (state.store === 'unavailable') {
    return {
      title: 'State after the run',
      lines: [{ text: 'the state store could not be read: the run decided nothing from memory', mark: 'warn' }],
    };
  }
  const lines: ViewLine[] = [];
  const monitor = state.monitor;
  if (monitor !== undefined) {
    const transition =
      monitor.transition === null ? '' : `, went ${monitor.transition.from} -> ${monitor.transition.to}`;
    lines.push({
      text: `monitor ${monitor.name}: ${monitor.state} since ${monitor.since}${transition} (${monitor.consecutive_failures} failing, ${monitor.consecutive_successes} healthy in a row${monitor.counted ? '' : '; this run was not counted'})`,
      mark: monitor.state === 'down' ? 'fail' : monitor.state === 'up' ? 'ok' : 'none',
    });
  }
  const service = state.service;
  if (service !== undefined) {
    lines.push({
      text: `${service.service}/${service.environment}: deployed ${service.deployed ?? '(none)'}, known-good ${service.known_good ?? '(none)'}${service.last_rollback_at === null ? '' : `, last rollback ${service.last_rollback_at}`}`,
    });
  }
  if (state.pause !== null && state.pause !== undefined) {
    lines.push({
      text: `paused until ${state.pause.until}${state.pause.by !== undefined ? ` by ${state.pause.by}` : ''}: ${state.pause.reason}`,
      mark: 'warn',
    });
  }
  if (!state.written) lines.push({ text: "the run's changes were not stored (see the faults)", mark: 'warn' });
  return { title: 'State after the run', lines };
}

function linksSection(document: EvidenceDocument): ViewSection {
  const links = document.links ?? {};
  const lines = Object.entries(links)
    .filter(([, uri]) => typeof uri === 'string')
    .map(([stage, uri]): ViewLine => ({ text: `${stage} record: ${uri}` }));
  return { title: 'Other records of this run', lines };
}
