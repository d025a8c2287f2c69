// Runs every code path of the bench at N = 3 (farm, gate, floor, sequential, memory children, bundles with one start,
// cost model, table) so the bench cannot rot. No timing assertions: only that each figure is produced, finite and
// positive, and that the results have the shape results.json promises.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchOptions, quickPlan } from '../../bench/bench-plan.ts';
import type { BenchResults } from '../../bench/bench-results.ts';
import { HANDLER_ENTRIES } from '../../bench/bundle.ts';
import { renderTable } from '../../bench/render-table.ts';
import { runBench } from '../../bench/run-bench.ts';
import type { SampleSummary } from '../../bench/sample-stats.ts';

const SMOKE_TIMEOUT_MS = 60_000;

function summaryFigures(name: string, summary: SampleSummary): Array<[string, number]> {
  return [
    [`${name}.median`, summary.median],
    [`${name}.min`, summary.min],
    [`${name}.max`, summary.max],
  ];
}

/** Every number the table is built from, named by where it sits in results.json. */
function measuredFigures(results: BenchResults): Array<[string, number]> {
  const figures: Array<[string, number]> = [];
  for (const point of results.fan_out.points) {
    const at = `fan_out[N=${point.n}]`;
    for (const id of ['gate', 'floor', 'gate_concurrency_n', 'sequential'] as const) {
      const timed = point[id];
      if (timed)
        figures.push(
          ...summaryFigures(`${at}.${id}.wall_ms`, timed.wall_ms),
          ...summaryFigures(`${at}.${id}.cpu_ms`, timed.cpu_ms),
        );
    }
    figures.push(
      [`${at}.gate_over_floor`, point.gate_over_floor],
      [`${at}.gate_cpu_over_floor_cpu`, point.gate_cpu_over_floor_cpu],
      [`${at}.gate_concurrency_n_over_floor`, point.gate_concurrency_n_over_floor ?? Number.NaN],
      [`${at}.sequential_over_gate`, point.sequential_over_gate ?? Number.NaN],
      [`${at}.sequential_over_gate_concurrency_n`, point.sequential_over_gate_concurrency_n ?? Number.NaN],
      [`${at}.evidence_bytes`, point.evidence_bytes],
    );
  }
  const memory = results.memory;
  for (const [mode, summary] of Object.entries(memory.peak_rss_mib))
    figures.push(...summaryFigures(`memory.${mode}`, summary));
  figures.push(
    ['memory.gate_over_floor', memory.gate_over_floor],
    ['memory.gate_concurrency_n_over_floor', memory.gate_concurrency_n_over_floor],
  );
  for (const bundle of [...results.bundles.handlers, results.bundles.empty]) {
    figures.push(
      [`bundles.${bundle.name}.bytes`, bundle.bytes],
      [`bundles.${bundle.name}.map_bytes`, bundle.map_bytes],
    );
    for (const input of bundle.top_inputs) figures.push([`bundles.${bundle.name}.input ${input.path}`, input.bytes]);
  }
  figures.push(...summaryFigures('bundles.empty_init.ready_ms', results.bundles.empty_init.ready_ms));
  for (const init of results.bundles.init) {
    figures.push(
      ...summaryFigures(`bundles.init.${init.name}.ready_ms`, init.ready_ms),
      [`bundles.init.${init.name}.init_over_empty`, init.init_over_empty],
      [`bundles.init.${init.name}.require_over_empty`, init.require_over_empty],
    );
  }
  for (const monitor of results.cost.monitors) {
    const at = `cost[${monitor.endpoints} endpoints]`;
    figures.push(
      [`${at}.modelled_duration_ms`, monitor.modelled_duration_ms],
      [`${at}.log_bytes_per_run`, monitor.log_bytes_per_run],
      [`${at}.monthly_usd.total`, monitor.monthly_usd.total],
      [`${at}.monthly_usd.state_table`, monitor.monthly_usd.state_table],
      [`${at}.per_endpoint_month_usd`, monitor.per_endpoint_month_usd],
      [`${at}.over_route53`, monitor.over_route53],
      [`${at}.over_synthetics`, monitor.over_synthetics],
    );
  }
  const state = results.cost.state_table;
  for (const [work, usage] of Object.entries(state.usage).filter(([work]) => work !== 'item_bytes')) {
    const units = usage as { read_request_units: number; write_request_units: number };
    figures.push(
      [`cost.state_table.${work}.read_request_units`, units.read_request_units],
      [`cost.state_table.${work}.write_request_units`, units.write_request_units],
    );
  }
  figures.push(
    ['cost.state_table.per_monitor_run_usd', state.per_monitor_run_usd],
    ['cost.state_table.per_deploy_usd', state.per_deploy_usd],
    ['cost.state_table.per_rollback_usd', state.per_rollback_usd],
    ['cost.alternatives.route53', results.cost.alternatives.route53_per_endpoint_month_usd],
    ['cost.alternatives.synthetics', results.cost.alternatives.synthetics_per_endpoint_month_usd],
  );
  return figures;
}

describe('the bench at N = 3', () => {
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'rollgate-bench-smoke-'));
    results = await runBench(quickPlan(outDir), () => undefined);
  }, SMOKE_TIMEOUT_MS);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('produces every figure as a finite positive number', () => {
    const figures = measuredFigures(results);
    expect(figures.length).toBeGreaterThan(50);
    for (const [name, value] of figures) {
      expect(Number.isFinite(value) && value > 0, `${name} = ${value}`).toBe(true);
    }
  });

  it('measures the gate, the floor, the gate at concurrency N and the sequential style at N = 3', () => {
    expect(results.fan_out.points.map((point) => point.n)).toEqual([3]);
    const [point] = results.fan_out.points;
    expect(point!.gate_concurrency_n).toBeDefined();
    expect(point!.sequential).toBeDefined();
    expect(point!.gate.wall_samples_ms.length).toBe(point!.gate.wall_ms.n);
  });

  it('measures every memory child mode', () => {
    expect(Object.keys(results.memory.peak_rss_mib).sort()).toEqual([
      'engine_loaded',
      'floor',
      'gate',
      'gate_concurrency_n',
      'idle',
    ]);
  });

  it('builds both handlers and the empty handler, listing their largest inputs', () => {
    expect(results.bundles.handlers.map((bundle) => bundle.entry)).toEqual(
      HANDLER_ENTRIES.map((handler) => handler.entry),
    );
    for (const bundle of results.bundles.handlers) expect(bundle.top_inputs.length).toBeGreaterThan(0);
    expect(results.bundles.init.map((init) => init.name)).toEqual(HANDLER_ENTRIES.map((handler) => handler.name));
  });

  it('prices 3 endpoints a monitor with its assumptions and prices date', () => {
    expect(results.cost.monitors.map((monitor) => monitor.endpoints)).toEqual([3]);
    expect(results.cost.prices_as_of).toMatch(/^\d{4}-\d{2}/);
    expect(results.cost.assumption_notes.length).toBeGreaterThan(5);
  });

  it("counts the state table's calls as the DynamoDB adapter sends them: a monitor run reads its four items once and writes its own", () => {
    const usage = results.cost.state_table.usage;
    expect(usage.per_monitor_run.calls).toEqual(['BatchGetItem(monitor, service, pause, lock)', 'PutItem(monitor)']);
    expect(usage.per_deploy.calls).toEqual(['BatchGetItem(service, pause, lock)', 'PutItem(service)']);
    // The lock taken, the service read under it and recorded, the lock given back.
    expect(usage.per_rollback.calls).toEqual([
      'BatchGetItem(lock)',
      'PutItem(lock)',
      'BatchGetItem(service)',
      'PutItem(service)',
      'BatchGetItem(lock)',
      'PutItem(lock)',
    ]);
  });

  it('judges a healthy deploy and a failed one its rollback heals by the deploy flow, timing the heal and pricing each workflow', () => {
    const part = results.deploy_workflow;
    expect(part.runs.map((run) => [run.scenario, run.status, run.rollback_outcome])).toEqual([
      ['healthy', 'passed', 'not_needed'],
      ['heals_on_rollback', 'failed', 'recovered'],
    ]);
    expect(part.time_to_heal.seconds).toBeGreaterThan(0);
    expect(part.time_to_heal.recovered_at_s).toBeGreaterThan(part.time_to_heal.verdict_at_s);
    for (const cost of part.costs) {
      expect(cost.state_transitions).toBeGreaterThan(cost.steps);
      expect(cost.usd.total).toBeGreaterThan(cost.usd.state_transitions);
    }
  });

  it('checks every target against its figure, pass or miss', () => {
    expect(results.targets.map((target) => target.id)).toEqual([
      'gate_over_floor',
      'sequential_over_gate',
      'rss_gate_over_floor',
      ...HANDLER_ENTRIES.map((handler) => `bundle_kb_${handler.name}`),
      ...HANDLER_ENTRIES.map((handler) => `init_over_empty_${handler.name}`),
      'cost_per_endpoint_month',
      'time_to_heal',
    ]);
    for (const target of results.targets) expect(typeof target.pass).toBe('boolean');
  });

  it('renders one table with a PASS or MISS for every target and survives a JSON round trip', () => {
    const table = renderTable(results);
    expect(table.match(/\| (PASS|MISS) +\|/g)?.length).toBe(results.targets.length);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });
});

describe('parseBenchOptions', () => {
  it.each([
    { argv: [], quick: false, out: /bench\/results\.json$/ },
    { argv: ['--quick'], quick: true, out: /bench\/\.work\/results-quick\.json$/ },
    { argv: ['--out', '/tmp/r.json'], quick: false, out: /^\/tmp\/r\.json$/ },
    { argv: ['--quick', '--out=/tmp/q.json'], quick: true, out: /^\/tmp\/q\.json$/ },
  ])('reads $argv', ({ argv, quick, out }) => {
    const options = parseBenchOptions(argv);
    expect(options.quick).toBe(quick);
    expect(options.out).toMatch(out);
  });

  it('rejects an unknown option, naming it', () => {
    expect(() => parseBenchOptions(['--fast'])).toThrow(/unknown option "--fast"/);
  });
});
