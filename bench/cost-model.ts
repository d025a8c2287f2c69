// Part 4, cost model: the monthly cost of watching endpoints every minute with Rollgate, from the durations and sizes
// measured in this run and the list prices in bench/prices.json, beside CloudWatch Synthetics and Route 53. Every
// assumption is a named value here and is written to results.json with a sentence saying why.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { StateCallUsage, StateTableUsage } from './state-table-usage.ts';

const priceSchema = z.strictObject({ usd: z.number().min(0), unit: z.string(), as_of: z.string(), source: z.string() });
const pricesFileSchema = z.strictObject({
  region: z.string(),
  currency: z.literal('USD'),
  as_of: z.string(),
  note: z.string(),
  prices: z.strictObject({
    lambda_arm64_gb_second: priceSchema,
    lambda_request: priceSchema,
    eventbridge_scheduled_rule_invocation: priceSchema,
    s3_standard_put: priceSchema,
    s3_standard_storage_gb_month: priceSchema,
    sns_publish: priceSchema,
    sns_email_delivery: priceSchema,
    cloudwatch_logs_ingestion_gb: priceSchema,
    cloudwatch_custom_metric_month: priceSchema,
    synthetics_canary_run: priceSchema,
    route53_health_check_aws_endpoint: priceSchema,
    route53_health_check_non_aws_endpoint: priceSchema,
    route53_optional_feature_aws_endpoint: priceSchema,
    route53_optional_feature_non_aws_endpoint: priceSchema,
    dynamodb_on_demand_read_request_unit: priceSchema,
    dynamodb_on_demand_write_request_unit: priceSchema,
    stepfunctions_standard_state_transition: priceSchema,
  }),
});
export type PricesFile = z.infer<typeof pricesFileSchema>;

export const PRICES_PATH = new URL('./prices.json', import.meta.url);

export async function loadPrices(path: URL | string = PRICES_PATH): Promise<PricesFile> {
  return pricesFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

export const COST_ASSUMPTIONS = {
  runs_per_month: 43_800,
  memory_mb: 256,
  lambda_full_vcpu_mb: 1_769,
  s3_put_latency_ms: 30,
  cold_start_fraction: 0.01,
  failure_rate: 0.001,
  email_subscribers: 1,
  evidence_retention_days: 30,
  days_per_month: 30.42,
  log_event_overhead_bytes: 26,
  bytes_per_gb: 2 ** 30,
} as const;

export const ASSUMPTION_NOTES: readonly string[] = [
  'One run a minute: 43,800 runs a month (730 hours).',
  "Memory 256 MB, the stack's default (lib/rollgate-props.ts), arm64.",
  "Real endpoints' latency replaces the farm's 50 ms delay: a run is modelled as the gate's measured wall time here (its " +
    'probes waited 50 ms each), so a monitor of endpoints answering in about 50 ms costs this; slower endpoints cost more.',
  'Lambda gives a full vCPU at 1,769 MB and proportionally less below (256 MB: 0.145 vCPU). The CPU time measured here ' +
    '(one local core taken as one Graviton core) is stretched by 1769/256 and the extra is added to the wall time, as if ' +
    'none of it overlapped with waiting: conservative.',
  'The real handler awaits one S3 PutObject per run: 30 ms of billed duration added.',
  'INIT is billed (since 2025-08-01 for on-demand functions): on the 1% of runs assumed cold, the scheduled-check ' +
    "handler's measured init (process start to handler loaded), stretched by 1769/256 like the CPU, is billed too. " +
    'An environment invoked every minute stays warm; 1% is conservative.',
  'EventBridge: one scheduled rule a monitor; its invocations are free (see prices.json).',
  'S3: one PUT of the verdict evidence a run; the evidence is kept 30 days (checksExpiration default), so storage holds ' +
    'about one month of it at the size measured in part 1.',
  'SNS only on failure: 0.1% of runs fail, each publishes one alert delivered to one email subscriber.',
  'CloudWatch Logs: per run, the platform START/END/REPORT lines, one structured verdict line and one EMF ProbeLatency ' +
    'line (one value per target, 100 values a line), sized from representative lines built here, plus 26 bytes of ' +
    'metering overhead per event.',
  'State table (DynamoDB on demand): each run of a monitor on a service reads its four items in one strongly ' +
    'consistent BatchGetItem and writes its monitor item with one conditional PutItem; the units are counted from ' +
    'the calls the real engine makes (bench/state-table-usage.ts): a read request unit per 4 KB of each item, at least ' +
    'one per key even when absent, a write request unit per 1 KB. A deploy and a rollback are priced apart, per event.',
  'Free tiers are not applied; 1 GB = 2^30 bytes.',
];

export interface CostRunInput {
  readonly n: number;
  readonly wall_ms: number;
  readonly cpu_ms: number;
  readonly evidence_bytes: number;
}

export interface MonitorCost {
  readonly endpoints: number;
  readonly measured_wall_ms: number;
  readonly measured_cpu_ms: number;
  readonly modelled_duration_ms: number;
  readonly modelled_init_ms: number;
  readonly evidence_bytes: number;
  readonly log_bytes_per_run: number;
  readonly monthly_usd: {
    readonly lambda_duration: number;
    readonly lambda_init: number;
    readonly lambda_requests: number;
    readonly eventbridge: number;
    readonly s3_put: number;
    readonly s3_storage: number;
    readonly sns: number;
    readonly logs: number;
    readonly state_table: number;
    readonly total: number;
  };
  readonly per_endpoint_month_usd: number;
  /** Rollgate's per-endpoint cost ÷ each alternative's. */
  readonly over_route53: number;
  readonly over_synthetics: number;
}

export interface CostModel {
  readonly prices_as_of: string;
  readonly prices_file: string;
  readonly assumptions: typeof COST_ASSUMPTIONS;
  readonly assumption_notes: readonly string[];
  readonly handler_init_ms: number;
  readonly monitors: readonly MonitorCost[];
  readonly alternatives: {
    readonly synthetics_per_endpoint_month_usd: number;
    readonly synthetics_basis: string;
    readonly route53_per_endpoint_month_usd: number;
    readonly route53_aws_endpoint_per_endpoint_month_usd: number;
    readonly route53_basis: string;
  };
  /** The state table's reads and writes, counted per monitor run, per deploy and per rollback, and their prices. */
  readonly state_table: StateTableCost;
  readonly not_modelled: readonly string[];
}

export interface StateTableCost {
  readonly usage: StateTableUsage;
  readonly per_monitor_run_usd: number;
  readonly per_deploy_usd: number;
  readonly per_rollback_usd: number;
}

export function modelCosts(
  runs: readonly CostRunInput[],
  handlerInitMs: number,
  prices: PricesFile,
  stateUsage: StateTableUsage,
): CostModel {
  const a = COST_ASSUMPTIONS;
  const p = prices.prices;
  const cpuStretch = a.lambda_full_vcpu_mb / a.memory_mb;
  const gb = a.memory_mb / 1024;
  const synthetics = a.runs_per_month * p.synthetics_canary_run.usd;
  // A 1-minute check needs no fast interval: Route 53's standard interval is already 30 s. String matching is the
  // one optional feature that makes it a health check rather than a TCP/HTTP status probe.
  const route53 = p.route53_health_check_non_aws_endpoint.usd + p.route53_optional_feature_non_aws_endpoint.usd;
  const route53Aws = p.route53_health_check_aws_endpoint.usd + p.route53_optional_feature_aws_endpoint.usd;
  const initMs = handlerInitMs * cpuStretch;
  const stateUsd = (usage: StateCallUsage): number =>
    usage.read_request_units * p.dynamodb_on_demand_read_request_unit.usd +
    usage.write_request_units * p.dynamodb_on_demand_write_request_unit.usd;
  const stateTable: StateTableCost = {
    usage: stateUsage,
    per_monitor_run_usd: stateUsd(stateUsage.per_monitor_run),
    per_deploy_usd: stateUsd(stateUsage.per_deploy),
    per_rollback_usd: stateUsd(stateUsage.per_rollback),
  };

  const monitors = runs.map((run): MonitorCost => {
    const durationMs = run.wall_ms + run.cpu_ms * (cpuStretch - 1) + a.s3_put_latency_ms;
    const billedSeconds = Math.ceil(durationMs) / 1000;
    const logBytes = logBytesPerRun(run.n, durationMs);
    const monthly = {
      lambda_duration: a.runs_per_month * gb * billedSeconds * p.lambda_arm64_gb_second.usd,
      lambda_init:
        a.runs_per_month * a.cold_start_fraction * gb * (Math.ceil(initMs) / 1000) * p.lambda_arm64_gb_second.usd,
      lambda_requests: a.runs_per_month * p.lambda_request.usd,
      eventbridge: a.runs_per_month * p.eventbridge_scheduled_rule_invocation.usd,
      s3_put: a.runs_per_month * p.s3_standard_put.usd,
      s3_storage:
        ((a.runs_per_month * run.evidence_bytes * (a.evidence_retention_days / a.days_per_month)) / a.bytes_per_gb) *
        p.s3_standard_storage_gb_month.usd,
      sns: a.runs_per_month * a.failure_rate * (p.sns_publish.usd + a.email_subscribers * p.sns_email_delivery.usd),
      logs: ((a.runs_per_month * logBytes) / a.bytes_per_gb) * p.cloudwatch_logs_ingestion_gb.usd,
      // The same four reads and one write whatever the number of endpoints.
      state_table: a.runs_per_month * stateTable.per_monitor_run_usd,
    };
    const total = Object.values(monthly).reduce((sum, value) => sum + value, 0);
    const perEndpoint = total / run.n;
    return {
      endpoints: run.n,
      measured_wall_ms: run.wall_ms,
      measured_cpu_ms: run.cpu_ms,
      modelled_duration_ms: durationMs,
      modelled_init_ms: initMs,
      evidence_bytes: run.evidence_bytes,
      log_bytes_per_run: logBytes,
      monthly_usd: { ...monthly, total },
      per_endpoint_month_usd: perEndpoint,
      over_route53: perEndpoint / route53,
      over_synthetics: perEndpoint / synthetics,
    };
  });

  return {
    prices_as_of: prices.as_of,
    prices_file: 'bench/prices.json',
    assumptions: a,
    assumption_notes: ASSUMPTION_NOTES,
    handler_init_ms: handlerInitMs,
    monitors,
    alternatives: {
      synthetics_per_endpoint_month_usd: synthetics,
      synthetics_basis:
        'one canary per endpoint running every minute (canary runs only; its Lambda, S3 and logs are extra)',
      route53_per_endpoint_month_usd: route53,
      route53_aws_endpoint_per_endpoint_month_usd: route53Aws,
      route53_basis:
        'non-AWS endpoint + string matching, standard 30 s interval (already more often than once a minute, so no fast ' +
        'interval); for an AWS endpoint it would be $0.50 + $1.00. Route 53 checks from ~15 locations, so each endpoint ' +
        'sees ~30 requests a minute',
    },
    state_table: stateTable,
    not_modelled: [
      `Custom metrics: $${p.cloudwatch_custom_metric_month.usd.toFixed(2)} per metric a month. If ProbeLatency carries a ` +
        `per-URL dimension, that is $${p.cloudwatch_custom_metric_month.usd.toFixed(2)} per endpoint-month, more than ` +
        'everything above; keep its dimensions per monitor (service, monitor).',
      'CloudWatch alarms: 3 per function at $0.10 a month each, per stack, not per endpoint.',
      'Data transfer: probe responses are inbound (free); S3 and SNS calls stay in-region.',
      'Log storage after ingestion ($0.03 per GB-month) and S3 lifecycle transitions.',
      "The state table's storage ($0.25 per GB-month; its items are a few KB in all) and point-in-time recovery " +
        '($0.20 per GB-month of the same few KB); the KMS requests DynamoDB makes for the table key, which it caches ' +
        'rather than calling per request.',
    ],
  };
}

/** Bytes CloudWatch Logs ingests for one monitor run over `targets` endpoints, from representative lines. */
export function logBytesPerRun(targets: number, durationMs: number): number {
  const requestId = '8f2d4c1e-3b7a-4f0e-9c61-2a5d7e9b0c13';
  const functionName = 'Rollgate-ScheduledCheckFunction-0123456789AB';
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\t` +
      'Memory Size: 256 MB\tMax Memory Used: 96 MB\t',
    JSON.stringify({
      level: 'INFO',
      message: 'gate verdict',
      timestamp: '2026-01-01T00:00:00.000Z',
      service: 'rollgate',
      cold_start: false,
      function_arn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
      function_memory_size: '256',
      function_name: functionName,
      function_request_id: requestId,
      sampling_rate: 0,
      xray_trace_id: '1-67890abc-0123456789abcdef01234567',
      monitor: 'bench',
      status: 'passed',
      status_reason: 'all_probes_healthy',
      summary: { total: targets, healthy: targets, failing: 0 },
      evidence_uri: `s3://bench-bucket/checks/bench/2026/01/01/000000-${requestId}.json`,
      duration_ms: Math.round(durationMs),
    }),
  ];
  // Powertools puts at most 100 values of one metric in one EMF line.
  for (let start = 0; start < targets; start += 100) {
    lines.push(
      JSON.stringify({
        _aws: {
          Timestamp: 1767225600000,
          CloudWatchMetrics: [
            {
              Namespace: 'Rollgate',
              Dimensions: [['service', 'monitor']],
              Metrics: [{ Name: 'ProbeLatency', Unit: 'Milliseconds' }],
            },
          ],
        },
        service: 'rollgate',
        monitor: 'bench',
        ProbeLatency: Array.from({ length: Math.min(100, targets - start) }, () => 53),
      }),
    );
  }
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
  return bytes + lines.length * COST_ASSUMPTIONS.log_event_overhead_bytes;
}
