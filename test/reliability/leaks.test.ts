// Planted secrets, searched for in everything Rollgate writes: the CLI's stdout, stderr and evidence files, what
// `rollgate evidence show` prints, and both Lambda handlers' log lines, EMF metrics, S3 evidence, SNS alerts, SSM
// SendCommand parameters, idempotency records, responses and thrown errors. Each scenario (leak-*-scenario.ts) runs
// once; each place it captured is a test of its own, so a failure names where the leak is, and each test reports its
// count of leaks to the reliability line (leak-count.ts). Every planted secret is searched for in every place, raw,
// percent-encoded, cut short and base64-encoded (planted-secrets.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_GATE_SECRETS, deployGateScenario } from './deploy-gate-leak-scenario.ts';
import { CLI_SECRETS, cliScenario } from './leak-cli-scenario.ts';
import { SCHEDULED_CHECK_SECRETS, scheduledCheckScenario } from './scheduled-check-leak-scenario.ts';
import { reportLeakCount } from './leak-count.ts';
import type { CapturedPlace, LeakScenario } from './leak-scenario.ts';
import { describeLeaks, findLeaks, type PlantedSecret } from './planted-secrets.ts';

const SCENARIOS: readonly LeakScenario[] = [cliScenario, deployGateScenario, scheduledCheckScenario];
const ALL_SECRETS: readonly PlantedSecret[] = [CLI_SECRETS, DEPLOY_GATE_SECRETS, SCHEDULED_CHECK_SECRETS].flatMap(
  (secrets) => Object.values(secrets),
);

const captured = new Map<string, Promise<Readonly<Record<string, CapturedPlace>>>>();

beforeAll(async () => {
  // All at once: the CLI's child processes run beside the handlers, which take turns (lambda-leak-run.ts).
  for (const scenario of SCENARIOS) captured.set(scenario.name, scenario.capture());
  // Each test awaits its own scenario, so a scenario that failed fails its places (not searched) and no other.
  await Promise.allSettled(captured.values());
}, 120_000);

for (const scenario of SCENARIOS) {
  describe(`leaks: ${scenario.name}`, () => {
    it.for(scenario.places)('%s holds no planted secret', async (place, { task }) => {
      const places = await captured.get(scenario.name)!;
      const found = places[place];
      expect(found, `the scenario captured no "${place}"`).toBeDefined();
      const leaks = findLeaks(found!.text, found!.onlyFor ?? ALL_SECRETS);
      reportLeakCount(task.meta, leaks.length);
      expect(leaks.length, `leaks found:\n${describeLeaks(leaks)}`).toBe(0);
    });
  });
}
