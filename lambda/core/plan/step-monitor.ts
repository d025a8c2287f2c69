// One run of a monitor folded into its state: counts in a row, thresholds, transitions and reminders (Gatus'
// HandleAlerting, as a pure function). The counts keep counting past the thresholds and reset when the outcome
// changes; a run that says nothing about the service leaves the state where it was.

import type { MonitorHealth, MonitorState } from '../state/monitor-state.ts';
import type { RunRecord } from '../state/state-field-schemas.ts';
import type { PlanPolicy } from './plan-policy.ts';
import type { ServiceScope } from './run-plan.ts';

/** What a run says about the service: healthy, failing, or nothing (the prober could not check, a pause, a skip). */
export type RunOutcome = 'healthy' | 'failing' | 'uncounted';

export type MonitorEvent =
  /** It went down: MonitorDown (or VersionMismatch), and a rollback if the monitor rolls back. */
  | { readonly kind: 'went_down'; readonly from: MonitorHealth }
  /** It came back from down: MonitorRecovered, naming how long it was down. */
  | { readonly kind: 'recovered'; readonly downForMs: number }
  /** Its first healthy runs, from unknown: up, and no alert (nothing recovered). */
  | { readonly kind: 'came_up' }
  /** Still down past a reminder interval: MonitorStillDown. */
  | { readonly kind: 'still_down'; readonly downForMs: number };

export interface MonitorStep {
  readonly state: MonitorState;
  readonly event?: MonitorEvent;
}

export interface MonitorStepInput {
  readonly prior: MonitorState | undefined;
  readonly outcome: RunOutcome;
  readonly at: Date;
  readonly policy: Pick<PlanPolicy, 'failureThreshold' | 'successThreshold' | 'reminderMinutes'>;
  readonly lastRun: RunRecord;
  readonly scope?: ServiceScope | undefined;
  /** The prober could not check this run: the first such run of a spell is remembered (ProberUnavailable once). */
  readonly proberUnavailable: boolean;
}

export function stepMonitor(input: MonitorStepInput): MonitorStep {
  const { at, policy } = input;
  const now = at.toISOString();
  const base: MonitorState = input.prior ?? {
    state: 'unknown',
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    since: now,
  };
  const { proberUnavailableSince: _spell, ...withoutSpell } = base;
  const kept: MonitorState = {
    ...(input.proberUnavailable
      ? { ...base, proberUnavailableSince: base.proberUnavailableSince ?? now }
      : withoutSpell),
    lastRun: input.lastRun,
    ...(input.scope !== undefined ? { service: input.scope.service, environment: input.scope.environment } : {}),
  };
  if (input.outcome === 'uncounted') return { state: kept };

  if (input.outcome === 'failing') {
    const counted: MonitorState = {
      ...kept,
      consecutiveFailures: base.consecutiveFailures + 1,
      consecutiveSuccesses: 0,
    };
    if (base.state !== 'down' && counted.consecutiveFailures >= policy.failureThreshold) {
      const { lastReminderAt: _reminder, ...rest } = counted;
      return {
        state: {
          ...rest,
          state: 'down',
          since: now,
          lastTransition: transition(base.state, 'down', now),
          lastAlertAt: now,
        },
        event: { kind: 'went_down', from: base.state },
      };
    }
    if (base.state === 'down' && reminderDue(base, at, policy.reminderMinutes)) {
      return {
        state: { ...counted, lastReminderAt: now, lastAlertAt: now },
        event: { kind: 'still_down', downForMs: at.getTime() - Date.parse(base.since) },
      };
    }
    return { state: counted };
  }

  const counted: MonitorState = {
    ...kept,
    consecutiveFailures: 0,
    consecutiveSuccesses: base.consecutiveSuccesses + 1,
  };
  if (base.state !== 'up' && counted.consecutiveSuccesses >= policy.successThreshold) {
    const { lastReminderAt: _reminder, ...rest } = counted;
    const up: MonitorState = { ...rest, state: 'up', since: now, lastTransition: transition(base.state, 'up', now) };
    if (base.state !== 'down') return { state: up, event: { kind: 'came_up' } };
    return {
      state: { ...up, lastAlertAt: now },
      event: { kind: 'recovered', downForMs: at.getTime() - Date.parse(base.since) },
    };
  }
  return { state: counted };
}

function transition(from: MonitorHealth, to: MonitorHealth, at: string): NonNullable<MonitorState['lastTransition']> {
  return { from, to, at };
}

/** A reminder is due reminderMinutes after the last one, or after going down when none was sent yet. */
function reminderDue(state: MonitorState, at: Date, reminderMinutes: number | undefined): boolean {
  if (reminderMinutes === undefined) return false;
  const last = Date.parse(state.lastReminderAt ?? state.since);
  return at.getTime() - last >= reminderMinutes * 60_000;
}
