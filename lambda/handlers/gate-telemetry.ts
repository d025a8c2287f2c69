// Logs and metrics of the Lambda handlers, through Powertools: structured JSON logs keyed by the run (correlation id,
// the service and environment judged, the monitor), and EMF metrics in one namespace, each point published twice:
// under the fleet-wide dimension service=rollgate that the stack's alarms read, and under the run's own registered
// dimension sets (run-metrics.ts says which, and why the cardinality stays bounded). Metrics are flushed however an
// invocation ends.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Registry } from '../core/config/registry.ts';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/config/stack-contract.ts';
import type { FinishAnswer, StepAnswer } from '../core/deploy/deploy-progress.ts';
import { errorMessageOf, errorNameOf } from '../core/errors.ts';
import type { GateOutcome } from '../core/gate/gate.ts';
import { redactSecretsInText } from '../core/secrets/redact.ts';
import {
  gateRunPoints,
  metricScopeOf,
  scopedPoints,
  workflowStepPoints,
  type MetricPoint,
  type MetricPointUnit,
  type RunNames,
} from './run-metrics.ts';

// The names the stack's alarms read (stack-contract.ts): the service=rollgate dimension whatever
// POWERTOOLS_SERVICE_NAME says, and AlertDeliveryFailed, which the stack alarms on through a separate path.
const DEFAULT_METRICS_NAMESPACE = METRICS_NAMESPACE;
export const ALERT_DELIVERY_FAILED_METRIC = METRIC.alertDeliveryFailed;

const UNITS: Readonly<Record<MetricPointUnit, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Seconds: MetricUnit.Seconds,
  None: MetricUnit.NoUnit,
};

/**
 * Log keys of one run: the service and environment it judges, named after their rollgate:service and
 * rollgate:environment tags because Powertools owns `service` (this function's own name).
 */
export interface RunLogKeys {
  readonly rollgate_service?: string | undefined;
  readonly rollgate_environment?: string | undefined;
  readonly monitor?: string | undefined;
}

export class GateTelemetry {
  public readonly logger: Logger;
  /** Fleet-wide: every point under service=rollgate. */
  public readonly metrics: Metrics;
  /** The run's own dimension sets, in a blob of their own: `service` there is the registered service's name. */
  public readonly scopedMetrics: Metrics;
  private readonly registry: Registry;

  /**
   * @param registry the services and monitors this function was deployed with: the only names a metric dimension
   * may carry. @default none: every point fleet-wide only
   */
  public constructor(
    env: Readonly<Record<string, string | undefined>> = process.env,
    registry: Registry = { services: [], monitors: [] },
  ) {
    this.logger = new Logger();
    const namespace = env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE;
    this.metrics = new Metrics({ namespace, serviceName: METRICS_SERVICE });
    this.scopedMetrics = new Metrics({ namespace, serviceName: METRICS_SERVICE });
    this.scopedMetrics.clearDefaultDimensions();
    this.registry = registry;
  }

  /**
   * Runs one invocation: the Lambda context on every log line, a thrown error logged (redacted) and rethrown, and
   * metrics flushed and the run's log keys cleared however it ends, so a warm container starts the next run clean.
   */
  public async observe<T>(context: Context | undefined, work: () => Promise<T>): Promise<T> {
    if (context !== undefined) this.logger.addContext(context);
    try {
      return await work();
    } catch (error) {
      this.logger.error('invocation failed', {
        error_name: errorNameOf(error),
        error_message: redactSecretsInText(errorMessageOf(error)),
      });
      throw error;
    } finally {
      // Fleet-wide first: it is the blob the stack's alarms read.
      for (const metrics of [this.metrics, this.scopedMetrics]) {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        else metrics.clearDimensions();
      }
      this.logger.resetKeys();
    }
  }

  /** Puts the run's id (as correlation id) and what it judges on every log line of this invocation. */
  public identifyRun(correlationId: string, keys: RunLogKeys): void {
    this.logger.setCorrelationId(correlationId);
    this.logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined)));
  }

  /** Metrics and logs of a finished gate. Port problems are logged at error level, message only: never the cause. */
  public recordOutcome(outcome: GateOutcome): void {
    const { verdict, evidence } = outcome;
    const context = evidence.context;
    this.addPoints(gateRunPoints(outcome), {
      kind: evidence.kind,
      monitor: context.monitor,
      service: context.deploy?.service ?? context.service,
      environment: context.deploy?.environment ?? context.environment,
    });
    const rollback = evidence.rollback;

    for (const problem of outcome.problems) {
      this.logger.error(`${problem.port} port failed`, {
        port: problem.port,
        error_name: problem.error_name,
        error_message: problem.message,
      });
    }
    this.logger.info('gate finished', {
      status: verdict.status,
      status_reason: verdict.status_reason,
      summary: evidence.message,
      evidence: outcome.locations.verdict?.uri ?? null,
      rollback_evidence: outcome.locations.rollback?.uri ?? null,
      ...(outcome.locations.delivery !== undefined ? { delivery_evidence: outcome.locations.delivery.uri } : {}),
      rollback: {
        outcome: rollback.outcome,
        ...(rollback.command_id !== undefined ? { command_id: rollback.command_id } : {}),
        ...(rollback.detail !== undefined ? { detail: rollback.detail } : {}),
      },
      alerts: outcome.alerts.map((alert) => ({ type: alert.type, delivered: alert.delivered })),
    });
  }

  /** Metrics of one deploy workflow step, under the deploy's service and environment (see workflowStepPoints). */
  public recordWorkflowStep(
    step: string,
    answer: StepAnswer | FinishAnswer,
    deploy: { readonly service: string; readonly environment: string },
  ): void {
    this.addPoints(workflowStepPoints(step, answer), { kind: 'deploy', ...deploy });
  }

  private addPoints(points: readonly MetricPoint[], names: RunNames): void {
    for (const point of points) this.metrics.addMetric(point.name, UNITS[point.unit], point.value);
    const own = scopedPoints(points);
    if (own.length === 0) return;
    const { scope, unregistered } = metricScopeOf(names, this.registry);
    if (unregistered.length > 0) {
      this.logger.info('counted in the fleet-wide metrics only: not in the registry', { unregistered });
    }
    if (scope === undefined) return;
    for (const set of scope.sets) {
      this.scopedMetrics.addDimensions(
        Object.fromEntries(set.map((name) => [name, scope.dimensions[name as keyof typeof scope.dimensions] ?? ''])),
      );
    }
    for (const point of own) this.scopedMetrics.addMetric(point.name, UNITS[point.unit], point.value);
  }
}
