// A monitor's checks folded through the planner one after another, each with the state the previous one left: the
// thresholds, transitions, reminders, flapping, uncounted runs and the one rollback per transition.
import { describe, expect, it } from 'vitest';
import { ALERT_SEVERITY } from '../../../../lambda/core/plan/alerts.ts';
import { foldChecks, iso, MINUTE } from './plan-fixtures.ts';

// P healthy, F failing, V failing on the version alone, X the prober could not check, S skipped.
describe('planRun: a monitor, run after run', () => {
  it.each([
    {
      name: 'a new monitor that is healthy comes up after two runs without an alert',
      steps: 'PP',
      alerts: [[], []],
      states: ['unknown', 'up'],
    },
    {
      name: 'a new monitor that fails goes down after three runs, with MonitorDown',
      steps: 'FFF',
      alerts: [[], [], ['MonitorDown']],
      states: ['unknown', 'unknown', 'down'],
    },
    {
      name: 'a down monitor stays quiet on its fourth and later failures',
      steps: 'PPFFFFFF',
      alerts: [[], [], [], [], ['MonitorDown'], [], [], []],
      states: ['unknown', 'up', 'up', 'up', 'down', 'down', 'down', 'down'],
    },
    {
      name: 'a monitor recovers after two healthy runs, once',
      steps: 'PPFFFPPPP',
      alerts: [[], [], [], [], ['MonitorDown'], [], ['MonitorRecovered'], [], []],
      states: ['unknown', 'up', 'up', 'up', 'down', 'down', 'up', 'up', 'up'],
    },
    {
      name: 'flapping below the failure threshold never goes down',
      steps: 'PPFFPFFPFFP',
      alerts: [[], [], [], [], [], [], [], [], [], [], []],
      states: ['unknown', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up'],
    },
    {
      name: 'flapping while down never recovers until two healthy runs in a row',
      steps: 'FFFPFPFPP',
      alerts: [[], [], ['MonitorDown'], [], [], [], [], [], ['MonitorRecovered']],
      states: ['unknown', 'unknown', 'down', 'down', 'down', 'down', 'down', 'down', 'up'],
    },
    {
      name: 'a wrong version that holds for three runs is VersionMismatch, not MonitorDown',
      steps: 'PPVVV',
      alerts: [[], [], [], [], ['VersionMismatch']],
      states: ['unknown', 'up', 'up', 'up', 'down'],
    },
    {
      name: 'runs the prober could not check neither count nor reset the counts',
      steps: 'PPFFXXF',
      alerts: [[], [], [], [], ['ProberUnavailable'], [], ['MonitorDown']],
      states: ['unknown', 'up', 'up', 'up', 'up', 'up', 'down'],
    },
    {
      name: 'the prober failing while down leaves the monitor down and alerts once',
      steps: 'FFFXXXP P',
      alerts: [[], [], ['MonitorDown'], ['ProberUnavailable'], [], [], [], ['MonitorRecovered']],
      states: ['unknown', 'unknown', 'down', 'down', 'down', 'down', 'down', 'up'],
    },
    {
      name: 'a skipped run does not count',
      steps: 'FFSF',
      alerts: [[], [], [], ['MonitorDown']],
      states: ['unknown', 'unknown', 'unknown', 'down'],
    },
  ])('$name', ({ steps, alerts, states }) => {
    const runs = foldChecks(steps);
    expect(runs.map((run) => run.alerts)).toEqual(alerts);
    expect(runs.map((run) => run.state)).toEqual(states);
  });

  it('keeps counting past the thresholds and resets the other count when the outcome changes', () => {
    const runs = foldChecks('FFFFFPPPF');
    expect(runs.map((run) => [run.failures, run.successes])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 0],
    ]);
  });

  it.each([
    {
      name: 'failureThreshold 1 and successThreshold 1',
      policy: { failureThreshold: 1, successThreshold: 1 },
      steps: 'PFP',
      alerts: [[], ['MonitorDown'], ['MonitorRecovered']],
    },
    {
      name: 'failureThreshold 5',
      policy: { failureThreshold: 5 },
      steps: 'FFFFF',
      alerts: [[], [], [], [], ['MonitorDown']],
    },
    {
      name: 'successThreshold 3',
      policy: { successThreshold: 3 },
      steps: 'FFFPPP',
      alerts: [[], [], ['MonitorDown'], [], [], ['MonitorRecovered']],
    },
  ])('applies $name', ({ policy, steps, alerts }) => {
    expect(foldChecks(steps, { policy }).map((run) => run.alerts)).toEqual(alerts);
  });

  it('names how long the monitor was down when it recovers', () => {
    const runs = foldChecks('FFFFFPP', { everyMinutes: 5 });
    // Down at the third run (minute 10), recovered at the seventh (minute 30).
    expect(runs[6]!.plan.alerts).toEqual([{ type: 'MonitorRecovered', severity: 'info', downForMs: 20 * MINUTE }]);
    expect(runs[6]!.plan.next.monitor).toMatchObject({
      state: 'up',
      since: iso(30),
      lastTransition: { from: 'down', to: 'up', at: iso(30) },
      lastAlertAt: iso(30),
    });
  });

  it('reminds every reminderMinutes while down, and never without reminderMinutes', () => {
    const steps = 'F'.repeat(15);
    const reminded = foldChecks(steps, { policy: { reminderMinutes: 5 } });
    const at = reminded.flatMap((run, minute) => (run.alerts.includes('MonitorStillDown') ? [minute] : []));
    // Down at minute 2: reminders at 7 and 12.
    expect(at).toEqual([7, 12]);
    expect(reminded[7]!.plan.alerts[0]).toEqual({ type: 'MonitorStillDown', severity: 'high', downForMs: 5 * MINUTE });
    expect(foldChecks(steps).flatMap((run) => run.alerts)).toEqual(['MonitorDown']);
  });

  it('records the transition, since and last alert when it goes down', () => {
    const runs = foldChecks('PPFFF');
    expect(runs[4]!.plan.next.monitor).toMatchObject({
      state: 'down',
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      since: iso(4),
      lastTransition: { from: 'up', to: 'down', at: iso(4) },
      lastAlertAt: iso(4),
      service: 'checkout',
      environment: 'prod',
      lastRun: { status: 'failed', statusReason: 'probe_failures', at: iso(4), evidence: 's3://evidence/run.json' },
    });
    expect(runs[4]!.plan.monitor).toMatchObject({ counted: true, transition: { from: 'up', to: 'down' } });
  });

  it('rolls back on the transition to down only, never on the failures before or after it', () => {
    const runs = foldChecks('PPFFFFFPPFFF');
    expect(runs.map((run) => run.rollback)).toEqual([
      'not_needed',
      'not_needed',
      'not_on_transition',
      'not_on_transition',
      'run',
      'not_on_transition',
      'not_on_transition',
      'not_needed',
      'not_needed',
      'not_on_transition',
      'not_on_transition',
      'run',
    ]);
  });

  it('holds the state where it was while paused: no alert, no rollback, and the outage alerts after the pause', () => {
    const runs = foldChecks('PPFFFFF', { pausedRuns: [2, 3, 4] });
    expect(runs.map((run) => run.alerts)).toEqual([[], [], [], [], [], [], []]);
    expect(runs.map((run) => run.rollback)).toEqual([
      'not_needed',
      'not_needed',
      'suppressed:paused',
      'suppressed:paused',
      'suppressed:paused',
      'not_on_transition',
      'not_on_transition',
    ]);
    expect(runs.map((run) => run.failures)).toEqual([0, 0, 0, 0, 0, 1, 2]);
    expect(foldChecks('PPFFFFFF', { pausedRuns: [2, 3, 4] })[7]!.alerts).toEqual(['MonitorDown']);
    expect(runs[2]!.plan.monitor).toMatchObject({ counted: false });
    expect(runs[2]!.plan.pause).toMatchObject({ reason: 'database migration' });
  });

  it('gives every alert the severity of its type', () => {
    const runs = foldChecks('FFFXFFFFFPP', { policy: { reminderMinutes: 5 } });
    const alerts = runs.flatMap((run) => run.plan.alerts);
    expect(new Set(alerts.map((alert) => alert.type))).toEqual(
      new Set(['MonitorDown', 'ProberUnavailable', 'MonitorStillDown', 'MonitorRecovered']),
    );
    for (const alert of alerts) expect(alert.severity).toBe(ALERT_SEVERITY[alert.type]);
  });
});
