// Logs and metrics of the Lambda handlers, through Powertools: structured JSON logs keyed by the run (correlation id,
// the service and environment judged, the monitor), and EMF metrics in one namespace with the single dimension
// service=rollgate that the stack's alarms read. Metrics are flushed however an invocation ends.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../core/config/stack-contract.ts';
import { errorMessageOf, errorNameOf } from '../core/errors.ts';
import type { GateOutcome } from '../core/gate/gate.ts';
import { redactSecretsInText } from '../core/secrets/redact.ts';
import type { GateStatus } from '../core/verdict/verdict.ts';

// The names the stack's alarms read (stack-contract.ts): the service=rollgate dimension whatever
// POWERTOOLS_SERVICE_NAME says, and AlertDeliveryFailed, which the stack alarms on through a separate path.
const DEFAULT_METRICS_NAMESPACE = METRICS_NAMESPACE;
export const ALERT_DELIVERY_FAILED_METRIC = METRIC.alertDeliveryFailed;

const GATE_METRICS: Readonly<Record<GateStatus, string>> = {
  passed: METRIC.gatePassed,
  failed: METRIC.gateFailed,
  skipped: METRIC.gateSkipped,
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
  public readonly metrics: Metrics;

  public constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.logger = new Logger();
    this.metrics = new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE,
      serviceName: METRICS_SERVICE,
    });
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
      if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
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
    this.metrics.addMetric(GATE_METRICS[verdict.status], MetricUnit.Count, 1);
    for (const target of evidence.targets) {
      const deciding = target.attempts[target.attempts.length - 1];
      if (deciding !== undefined)
        this.metrics.addMetric(METRIC.probeLatency, MetricUnit.Milliseconds, deciding.latency_ms);
    }
    const rollback = evidence.rollback;
    if (rollback.attempted) {
      if (rollback.outcome !== 'send_failed') this.metrics.addMetric(METRIC.rollbackSent, MetricUnit.Count, 1);
      this.metrics.addMetric(
        rollback.ok === true ? METRIC.rollbackSucceeded : METRIC.rollbackFailed,
        MetricUnit.Count,
        1,
      );
    }

    const undelivered = outcome.alerts.filter((alert) => !alert.delivered).length;
    if (undelivered > 0) this.metrics.addMetric(ALERT_DELIVERY_FAILED_METRIC, MetricUnit.Count, undelivered);

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
}
