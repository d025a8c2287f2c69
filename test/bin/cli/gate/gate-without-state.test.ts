// Without --state-dir, `rollgate gate` keeps the CI contract exactly as it was before runs had state: the same exit
// codes, evidence files, summary and alert lines for every outcome (stateless-gate-baseline.json was recorded then).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStatelessGateScenarios, type StatelessGateRun } from './stateless-gate-scenarios.ts';

const BASELINE: StatelessGateRun[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'stateless-gate-baseline.json'), 'utf8'),
);

describe('rollgate gate without a state directory', () => {
  it('gives the exit code, evidence, env file, summary and alerts recorded before state existed, for every outcome', async () => {
    const runs = await runStatelessGateScenarios();
    expect(runs.map((run) => run.scenario)).toEqual(BASELINE.map((run) => run.scenario));
    for (const [index, run] of runs.entries()) expect(run, run.scenario).toEqual(BASELINE[index]);
  });
});
