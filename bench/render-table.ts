// Renders a run's results as one table (Markdown pipes, padded for the terminal) followed by the assumptions behind
// the cost figures. The value column is always a ratio against a baseline of the same run, or a size or a price.

import { MAX_CONCURRENCY } from '../lambda/core/config/config-schema.ts';
import type { BenchResults } from './bench-results.ts';
import type { StateCallUsage } from './state-table-usage.ts';
import type { TimedSummary } from './fan-out.ts';
import type { SampleSummary } from './sample-stats.ts';
import { BYTES_PER_KB, type TargetCheck } from './targets.ts';

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly detail: string;
  readonly target?: TargetCheck;
}

const HEADER = ['Figure', 'Value', 'Measured: median [min–max]', 'Target', 'Result'] as const;

export function renderTable(results: BenchResults): string {
  const rows = [
    ...fanOutRows(results),
    ...memoryRows(results),
    ...bundleRows(results),
    ...costRows(results),
    ...deployWorkflowRows(results),
  ];
  const cells = rows.map((row) => [
    row.figure,
    row.value,
    row.detail,
    row.target ? `${row.target.comparator === '<=' ? '≤' : '≥'} ${formatTargetValue(row.target)}` : '',
    row.target ? (row.target.pass ? 'PASS' : 'MISS') : '',
  ]);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: readonly string[]): string =>
    `| ${cell.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  const m = results.machine;
  const misses = results.targets.filter((target) => !target.pass);
  return [
    `Rollgate bench (${results.plan}) on ${m.cpus} × ${m.cpu_model}, ${m.total_memory_gib} GiB, Node ${m.node}; ` +
      `farm: ${results.farm.ports} ports in a separate process, ${results.farm.delay_ms} ms a response.`,
    '',
    line(HEADER),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    '',
    `Targets: ${results.targets.length - misses.length} PASS, ${misses.length} MISS` +
      (misses.length > 0 ? ` (${misses.map((miss) => miss.id).join(', ')})` : '') +
      `. Bench wall time ${results.bench_wall_time_s} s.`,
    'Part 1: the farm is a separate process; every round runs each contender once, in rotating order, after warm-ups,',
    '  with a full GC before each timed run so no contender pays for the garbage of the one before it.',
    "  The floor is fetch() of every URL at once with Promise.all, reading each body; sequential is the seed script's",
    '  style: one fetch, body read and JSON parse after the other. Gate = runGate with an in-memory evidence store.',
    `Part 2: children started alike (node --import tsx); the floor child never loads the engine. maxRSS at exit.`,
    `Part 3: esbuild ${describeEsbuild(results)}. ${results.bundles.sdk_note}`,
    '  Init = process start to handler loaded (performance.now() after require), in a fresh process with the handler env.',
    `Cost model (prices from ${results.cost.prices_file}, as of ${results.cost.prices_as_of}; assumptions also in results.json):`,
    ...results.cost.assumption_notes.map((note) => `  - ${note}`),
    '  Not modelled:',
    ...results.cost.not_modelled.map((note) => `  - ${note}`),
    'Part 5 (the deploy flow; prices from the same file):',
    ...results.deploy_workflow.notes.map((note) => `  - ${note}`),
    '',
  ].join('\n');
}

function fanOutRows(results: BenchResults): Row[] {
  const target = targetFinder(results);
  const fanOut = results.fan_out;
  const rows: Row[] = [
    section(`1. Probe fan-out (gate at default concurrency ${fanOut.default_concurrency} unless said)`),
  ];
  for (const point of fanOut.points) {
    const isTarget = point.n === results.target_sizes.fanOut;
    rows.push({
      figure: `N=${point.n}: gate ÷ floor`,
      value: times(point.gate_over_floor),
      detail: `gate ${ms(point.gate.wall_ms)} / floor ${ms(point.floor.wall_ms)}, ${point.rounds} rounds`,
      ...(isTarget ? { target: target('gate_over_floor') } : {}),
    });
    if (point.gate_concurrency_n && point.gate_concurrency_n_over_floor !== undefined) {
      rows.push({
        figure: `N=${point.n}: gate (concurrency ${Math.min(point.n, MAX_CONCURRENCY)}) ÷ floor`,
        value: times(point.gate_concurrency_n_over_floor),
        detail: `gate ${ms(point.gate_concurrency_n.wall_ms)} / floor ${ms(point.floor.wall_ms)}`,
      });
    }
    if (point.sequential && point.sequential_over_gate !== undefined) {
      rows.push({
        figure: `N=${point.n}: sequential ÷ gate`,
        value: times(point.sequential_over_gate),
        detail: `sequential ${ms(point.sequential.wall_ms)} / gate ${ms(point.gate.wall_ms)}`,
        ...(point.n === results.target_sizes.sequential ? { target: target('sequential_over_gate') } : {}),
      });
    }
    if (point.sequential && point.gate_concurrency_n && point.sequential_over_gate_concurrency_n !== undefined) {
      rows.push({
        figure: `N=${point.n}: sequential ÷ gate (concurrency ${Math.min(point.n, MAX_CONCURRENCY)})`,
        value: times(point.sequential_over_gate_concurrency_n),
        detail: `sequential ${ms(point.sequential.wall_ms)} / gate ${ms(point.gate_concurrency_n.wall_ms)}`,
      });
    }
    if (isTarget) {
      rows.push({
        figure: `N=${point.n}: gate CPU ÷ floor CPU`,
        value: times(point.gate_cpu_over_floor_cpu),
        detail: `CPU: gate ${ms(point.gate.cpu_ms)} / floor ${ms(point.floor.cpu_ms)}${cpuAtN(point.gate_concurrency_n)}`,
      });
    }
  }
  rows.push({
    figure: 'evidence JSON of one gate run',
    value: kb(fanOut.points[fanOut.points.length - 1]!.evidence_bytes),
    detail: fanOut.points.map((point) => `N=${point.n}: ${kb(point.evidence_bytes)}`).join(', '),
  });
  return rows;
}

function memoryRows(results: BenchResults): Row[] {
  const memory = results.memory;
  const rss = memory.peak_rss_mib;
  return [
    section(`2. Memory: peak RSS of a child making ${memory.runs_per_child} run(s) at N=${memory.n}`),
    {
      figure: `N=${memory.n}: peak RSS gate ÷ floor`,
      value: times(memory.gate_over_floor),
      detail: `gate ${mib(rss.gate)} / floor ${mib(rss.floor)}`,
      target: targetFinder(results)('rss_gate_over_floor'),
    },
    {
      figure: `N=${memory.n}: peak RSS gate (concurrency ${Math.min(memory.n, MAX_CONCURRENCY)}) ÷ floor`,
      value: times(memory.gate_concurrency_n_over_floor),
      detail: `gate ${mib(rss.gate_concurrency_n)} / floor ${mib(rss.floor)}`,
    },
    {
      figure: `N=${memory.n}: (gate − idle) ÷ (floor − idle)`,
      value: times(memory.gate_above_idle_over_floor_above_idle),
      detail: `idle child (no workload) ${mib(rss.idle)}`,
    },
    {
      figure: `N=${memory.n}: (gate − engine loaded) ÷ (floor − idle)`,
      value: times(memory.gate_runs_over_floor_runs),
      detail: `engine loaded, config parsed, no run ${mib(rss.engine_loaded)}`,
    },
  ];
}

function bundleRows(results: BenchResults): Row[] {
  const target = targetFinder(results);
  const bundles = results.bundles;
  const rows: Row[] = [section('3. Lambda bundles and cold start')];
  for (const bundle of [...bundles.handlers, bundles.empty]) {
    const isHandler = bundle !== bundles.empty;
    rows.push({
      figure: `${bundle.name} bundle, minified`,
      value: kb(bundle.bytes),
      detail: `by package: ${bundle.top_packages
        .slice(0, 3)
        .map((p) => `${p.path} ${kb(p.bytes)}`)
        .join(', ')}`,
      ...(isHandler ? { target: target(`bundle_kb_${bundle.name}`) } : {}),
    });
    if (isHandler) {
      for (const input of bundle.top_inputs)
        rows.push({ figure: `  ${shortPath(input.path)}`, value: kb(input.bytes), detail: 'largest input' });
    }
  }
  for (const init of bundles.init) {
    rows.push({
      figure: `${init.name}: init ÷ empty-handler init`,
      value: times(init.init_over_empty),
      detail: `start→loaded ${ms(init.ready_ms)} / ${ms(bundles.empty_init.ready_ms)}, ${bundles.starts} starts`,
      target: target(`init_over_empty_${init.name}`),
    });
  }
  return rows;
}

function costRows(results: BenchResults): Row[] {
  const cost = results.cost;
  const alternatives = cost.alternatives;
  const rows: Row[] = [section('4. Cost per endpoint-month, checks every minute')];
  for (const monitor of cost.monitors) {
    const parts = monitor.monthly_usd;
    rows.push({
      figure: `${monitor.endpoints} endpoint(s) a monitor`,
      value: usd(monitor.per_endpoint_month_usd),
      detail:
        `${pct(monitor.over_route53)} of Route 53; monitor ${usd(parts.total)}/mo = S3 PUT ${usd(parts.s3_put)} + Lambda ` +
        `${usd(parts.lambda_duration + parts.lambda_init + parts.lambda_requests)} + logs ${usd(parts.logs)} + S3 storage ` +
        `${usd(parts.s3_storage)} + SNS ${usd(parts.sns)} + EventBridge ${usd(parts.eventbridge)} + state table ` +
        `${usd(parts.state_table)}`,
      ...(monitor.endpoints === results.target_sizes.cost
        ? { target: targetFinder(results)('cost_per_endpoint_month') }
        : {}),
    });
  }
  rows.push(...stateTableRows(results));
  rows.push(
    {
      figure: 'Route 53 health check',
      value: usd(alternatives.route53_per_endpoint_month_usd),
      detail: 'non-AWS endpoint $0.75 + string matching $2.00 (30 s standard interval)',
    },
    {
      figure: 'CloudWatch Synthetics',
      value: usd(alternatives.synthetics_per_endpoint_month_usd),
      detail: 'one canary per endpoint, a run a minute at $0.0012',
    },
  );
  return rows;
}

/** What the state table costs: a monitor's month of runs, a deploy and a rollback, with the calls each makes. */
function stateTableRows(results: BenchResults): Row[] {
  const state = results.cost.state_table;
  const units = (usage: StateCallUsage): string =>
    `${usage.read_request_units} RRU + ${usage.write_request_units} WRU: ${usage.calls.join(', ')}`;
  return [
    {
      figure: 'State table: a monitor on a service, a month',
      value: usd(state.per_monitor_run_usd * results.cost.assumptions.runs_per_month),
      detail: `a run ${units(state.usage.per_monitor_run)}`,
    },
    { figure: 'State table: a deploy gate', value: usd(state.per_deploy_usd), detail: units(state.usage.per_deploy) },
    {
      figure: 'State table: a rollback adds',
      value: usd(state.per_rollback_usd),
      detail: units(state.usage.per_rollback),
    },
  ];
}

/** Part 5: the time to heal against the promotion doc's 5 minutes, and each deploy's workflow cost. */
function deployWorkflowRows(results: BenchResults): Row[] {
  const part = results.deploy_workflow;
  const heal = part.time_to_heal;
  const rows: Row[] = [
    section('5. Deploy workflow'),
    {
      figure: 'Time to heal (failed verdict → verified recovered)',
      value: `${heal.seconds} s`,
      detail:
        `verdict at ${heal.verdict_at_s.toFixed(0)} s, recovered at ${heal.recovered_at_s.toFixed(0)} s: ` +
        `${heal.rollback_polls} rollback poll(s), ${heal.verification_rounds} verification round(s) every ` +
        `${heal.policy.intervalSeconds} s after a ${heal.policy.bakeSeconds} s bake`,
      target: targetFinder(results)('time_to_heal'),
    },
  ];
  for (const cost of part.costs) {
    const usdParts = cost.usd;
    rows.push({
      figure: `One deploy's workflow, ${cost.scenario.replaceAll('_', ' ')}`,
      value: usd(usdParts.total),
      detail:
        `${cost.state_transitions} transitions ${usd(usdParts.state_transitions)} + ${cost.lambda_invocations} Lambda ` +
        `invocations (${cost.lambda_gb_seconds.toFixed(2)} GB-s) ${usd(usdParts.lambda_requests + usdParts.lambda_duration)} + ` +
        `${cost.s3_puts} S3 PUT ${usd(usdParts.s3_puts)} + logs ${usd(usdParts.logs)}`,
    });
  }
  return rows;
}

/** `node_modules/zod/v4/core/schemas.js` → `zod/v4/core/schemas.js`. */
function shortPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at === -1 ? path : path.slice(at + 'node_modules/'.length);
}

function section(title: string): Row {
  return { figure: title, value: '', detail: '' };
}

function targetFinder(results: BenchResults): (id: string) => TargetCheck {
  return (id) => {
    const found = results.targets.find((target) => target.id === id);
    if (found === undefined) throw new RangeError(`results have no target ${id}`);
    return found;
  };
}

function describeEsbuild(results: BenchResults): string {
  const o = results.bundles.esbuild_options;
  return `bundle, platform ${String(o.platform)}, target ${String(o.target)}, format ${String(o.format)}, minify, sourcemap ${String(o.sourcemap)}, external ${(o.external ?? []).join(' ')}`;
}

function cpuAtN(summary: TimedSummary | undefined): string {
  return summary ? `; gate at concurrency N ${ms(summary.cpu_ms)}` : '';
}

function formatTargetValue(target: TargetCheck): string {
  if (target.unit === 'USD') return `$${target.threshold}`;
  if (target.unit === 'KB') return `${target.threshold} KB`;
  if (target.unit === 's') return `${target.threshold} s`;
  return String(target.threshold);
}

function times(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

function ms(summary: SampleSummary): string {
  const digits = summary.median >= 1000 ? 0 : 1;
  return `${summary.median.toFixed(digits)} ms [${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)}]`;
}

function mib(summary: SampleSummary): string {
  return `${summary.median.toFixed(1)} MiB [${summary.min.toFixed(1)}–${summary.max.toFixed(1)}]`;
}

function kb(bytes: number): string {
  return `${(bytes / BYTES_PER_KB).toFixed(1)} KB`;
}

function usd(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

function pct(fraction: number): string {
  return `${(fraction * 100).toPrecision(2)}%`;
}
